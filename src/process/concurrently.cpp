#include "process/concurrently.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

namespace sbx::process {

namespace asio = boost::asio;

asio::awaitable<std::size_t> first_of(asio::awaitable<void> a, asio::awaitable<void> b) {
  const auto executor = co_await asio::this_coro::executor;
  const auto [order, a_failure, b_failure] =
      co_await asio::experimental::make_parallel_group(
          asio::co_spawn(executor, std::move(a), asio::deferred),
          asio::co_spawn(executor, std::move(b), asio::deferred))
          .async_wait(asio::experimental::wait_for_one(), asio::deferred);
  if (const auto& failure = order[0] == 0 ? a_failure : b_failure) std::rethrow_exception(failure);
  // The operations may end quietly when cancelled (expiry(), all_of), so a
  // cancellation of the caller is reported here, as operation_aborted.
  if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
    throw boost::system::system_error(asio::error::operation_aborted);
  }
  co_return order[0];
}

asio::awaitable<void> all_of(std::vector<asio::awaitable<void>> operations) {
  const auto executor = co_await asio::this_coro::executor;
  using operation = decltype(asio::co_spawn(executor, asio::awaitable<void>{}, asio::deferred));
  std::vector<operation> spawned;
  spawned.reserve(operations.size());
  for (auto& op : operations) spawned.push_back(asio::co_spawn(executor, std::move(op), asio::deferred));
  const auto [order, failures] = co_await asio::experimental::make_parallel_group(std::move(spawned))
                                     .async_wait(asio::experimental::wait_for_one_error(), asio::deferred);
  for (const std::size_t index : order) {
    if (failures[index]) std::rethrow_exception(failures[index]);
  }
}

asio::awaitable<void> expiry(asio::steady_timer& timer) {
  co_await timer.async_wait(asio::as_tuple(asio::deferred));
}

}  // namespace sbx::process
