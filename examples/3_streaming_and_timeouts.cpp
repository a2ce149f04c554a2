// 3. Streaming output as it arrives, exec timeouts, and cancellation with `||`.
#include <sbx/sbx.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

asio::awaitable<void> streaming() {
  auto client = co_await sbx::Client::connect("local");
  auto sandbox = co_await client.create();

  co_await sandbox.exec_stream("for i in 1 2 3; do echo tick $i; sleep 0.3; done",
                               [](sbx::output_stream, std::string_view chunk) { std::cout << "> " << chunk; });

  const auto slow = co_await sandbox.exec("echo begun; sleep 30", {.timeout = 1s});
  std::cout << "timed_out=" << slow.timed_out << " exit=" << slow.exit_code << " partial=" << slow.std_out;

  asio::steady_timer deadline(co_await asio::this_coro::executor, 500ms);
  const auto winner = co_await (sandbox.exec("sleep 30") || deadline.async_wait(asio::use_awaitable));
  std::cout << (winner.index() == 1 ? "cancelled the exec; its processes were killed\n" : "exec won\n");

  co_await sandbox.destroy();
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, streaming(), [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
  io.run();
}
