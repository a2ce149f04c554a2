// 6. Fan-out: 1000 sandboxes on one thread, each created, used and destroyed.
#include <sbx/sbx.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

namespace asio = boost::asio;

asio::awaitable<void> one(sbx::Client client, int i, int& ok) {
  auto sandbox = co_await client.create();
  const auto r = co_await sandbox.exec("echo " + std::to_string(i));
  ok += r.std_out == std::to_string(i) + "\n";
  co_await sandbox.destroy();
}

int main(int argc, char** argv) {
  const char* from_env = std::getenv("SBX_EXAMPLE_N");
  const int n = argc > 1 ? std::stoi(argv[1]) : from_env ? std::stoi(from_env) : 1000;
  asio::io_context io;
  sbx::Client client(io.get_executor(), "local");
  int ok = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i)
    asio::co_spawn(io, one(client, i, ok), [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
  io.run();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  std::cout << ok << "/" << n << " sandboxes in " << took.count() << " s (" << n / took.count() << "/s)\n";
  return ok == n ? 0 : 1;
}
