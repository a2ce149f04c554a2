// 1. Hello: create a sandbox, run a command and some Python, destroy it.
//    Run: build/examples/1_hello [backend]   (default: local)
#include <sbx/sbx.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

namespace asio = boost::asio;

// Options are built outside the coroutine: GCC 12 cannot compile initializer lists of
// strings inside a coroutine frame.
sbx::CreateOptions greeting_options() { return {.env_vars = {{"GREETING", "hello"}}}; }

asio::awaitable<void> hello(std::string backend) {
  auto client = co_await sbx::Client::connect(backend);
  auto sandbox = co_await client.create(greeting_options());

  const auto greeting = co_await sandbox.exec("echo \"$GREETING from $(uname -s)\"");
  std::cout << greeting.std_out;

  const auto answer = co_await sandbox.run_code("print(6 * 7)", "python");
  std::cout << "python says " << answer.std_out;

  const auto failed = co_await sandbox.exec("exit 3");  // a result, not an exception
  std::cout << "exit code " << failed.exit_code << "\n";

  co_await sandbox.destroy();
}

int main(int argc, char** argv) {
  asio::io_context io;
  asio::co_spawn(io, hello(argc > 1 ? argv[1] : "local"), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  try {
    io.run();
  } catch (const sbx::SandboxError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
