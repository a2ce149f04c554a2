// 8. The router: each sandbox goes to the cheapest healthy backend with room, and every
//    sandbox's cost is metered. Here bwrap is priced below local but holds only two
//    sandboxes, so of four concurrent sandboxes two spill over to local. (Without
//    bubblewrap installed, bwrap's creates fail and everything lands on local.)
#include <sbx/sbx.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace asio = boost::asio;
using namespace std::chrono_literals;

// The same JSON a harness would keep in router.json (see scheduler/README.md).
sbx::RouterOptions router_options() {
  return sbx::RouterOptions::parse(R"({
    "backends": [
      {"backend": "local", "price": {"vcpu_per_hour_usd": 0.05}},
      {"backend": "bwrap", "max_running": 2, "price": {"vcpu_per_hour_usd": 0.02}}
    ],
    "budget_usd": 1.0
  })");
}

// Built outside the coroutine: g++ 12 miscompiles braced string lists in coroutine frames.
sbx::CreateOptions sandbox_options() {
  sbx::CreateOptions options;
  options.cpu = 1;
  options.labels["job"] = "demo";  // costs are also totalled per label
  return options;
}

asio::awaitable<void> one_sandbox(sbx::Router& router, int i) {
  auto sandbox = co_await router.create(sandbox_options());
  const auto result = co_await sandbox.exec("echo hello from sandbox " + std::to_string(i));
  std::cout << "sandbox " << i << " placed on " << sandbox.backend_name() << ": " << result.std_out;
  asio::steady_timer hold(co_await asio::this_coro::executor, 300ms);  // keep the slot a moment
  co_await hold.async_wait(asio::use_awaitable);
  co_await sandbox.destroy();
}

int main() {
  asio::io_context io;
  sbx::Router router(io.get_executor(), router_options());
  for (const auto& candidate : router.rank(sandbox_options()))
    std::cout << "candidate " << candidate.name << ": $" << candidate.hourly_usd << "/hour"
              << (candidate.feasible ? "" : " (infeasible)") << "\n";
  for (int i = 0; i < 4; ++i)
    asio::co_spawn(io, one_sandbox(router, i), [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
  io.run();
  std::cout << router.costs().to_text();
}
