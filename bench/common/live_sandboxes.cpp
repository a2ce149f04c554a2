#include "common/live_sandboxes.hpp"

#include "fanout/process_resources.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

namespace sbx::bench {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

namespace {

// Runs `make_operation(i)` for every i in [0, count) at once; returns how many threw.
awaitable<std::size_t> all_at_once(std::size_t count,
                                   const std::function<awaitable<void>(std::size_t)>& make_operation) {
  const auto executor = co_await asio::this_coro::executor;
  using operation = decltype(asio::co_spawn(executor, make_operation(0), asio::deferred));
  std::vector<operation> operations;
  operations.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    operations.push_back(asio::co_spawn(executor, make_operation(i), asio::deferred));
  auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(operations))
                             .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  co_return static_cast<std::size_t>(
      std::count_if(errors.begin(), errors.end(), [](const std::exception_ptr& e) { return e != nullptr; }));
}

}  // namespace

awaitable<live_hold_result> hold_live_sandboxes(Client& client, std::size_t count, CreateOptions options) {
  live_hold_result result;
  std::vector<std::optional<Sandbox>> sandboxes(count);
  result.rss_before = fanout::current_rss_bytes();

  auto started = clock::now();
  result.failed += co_await all_at_once(count, [&](std::size_t i) -> awaitable<void> {
    sandboxes[i].emplace(co_await client.create(options));
  });
  result.create_wall = clock::now() - started;
  result.live = static_cast<std::size_t>(
      std::count_if(sandboxes.begin(), sandboxes.end(), [](const auto& s) { return s.has_value(); }));
  result.rss_live = fanout::current_rss_bytes();

  started = clock::now();
  result.failed += co_await all_at_once(count, [&](std::size_t i) -> awaitable<void> {
    if (sandboxes[i]) co_await sandboxes[i]->destroy();
  });
  result.destroy_wall = clock::now() - started;
  co_return result;
}

}  // namespace sbx::bench
