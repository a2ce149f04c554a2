#include "interrupt_guard.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>

namespace sbx::cli {

namespace asio = boost::asio;

interrupt_guard::interrupt_guard(asio::any_io_executor executor)
    : signals_(std::move(executor), SIGINT, SIGTERM) {}

awaitable<bool> interrupt_guard::run(awaitable<void> operation) {
  const auto executor = co_await asio::this_coro::executor;
  auto [order, failure, signal_error, signal_number] =
      co_await asio::experimental::make_parallel_group(
          asio::co_spawn(executor, std::move(operation), asio::deferred),
          signals_.async_wait(asio::deferred))
          .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  if (order[0] == 1) co_return true;
  if (failure) std::rethrow_exception(failure);
  co_return false;
}

}  // namespace sbx::cli
