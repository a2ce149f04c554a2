#include "one_shot_sandbox.hpp"

#include "terminal_output.hpp"

#include "sbx/client.hpp"
#include "sbx/shutdown.hpp"

#include <boost/asio/this_coro.hpp>

#include <unistd.h>

#include <optional>

namespace sbx::cli {

awaitable<int> with_sandbox(sandbox_flags flags, sandbox_body body) {
  const auto options = create_options(flags);
  auto client = co_await Client::connect(flags.backend);
  interrupt_guard guard(co_await boost::asio::this_coro::executor);

  std::optional<Sandbox> sandbox;
  auto create = [&]() -> awaitable<void> { sandbox.emplace(co_await client.create(options)); };
  bool interrupted = co_await guard.run(create());

  int exit_status = exit_interrupted;
  std::exception_ptr failure;
  if (sandbox && !interrupted) {
    auto run_body = [&]() -> awaitable<void> { exit_status = co_await body(*sandbox); };
    try {
      interrupted = co_await guard.run(run_body());
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (sandbox) {
    // After an interruption, under the guard: a second signal during this destroy
    // exits at once (sbx gc removes what is left).
    auto destroy = [&]() -> awaitable<void> { co_await sandbox->destroy(); };
    if (interrupted) {
      co_await guard.run(destroy());
    } else {
      co_await destroy();
    }
  }
  if (interrupted) {
    write_all(STDERR_FILENO, sandbox ? "sbx: interrupted; the sandbox was destroyed\n"
                                     : "sbx: interrupted\n");
    co_return exit_interrupted;
  }
  if (failure) std::rethrow_exception(failure);
  co_return exit_status;
}

}  // namespace sbx::cli
