// A timer wait as an awaitable, for deadlines raced with process::first_of and polls.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace sbx::drivers::docker {

/// Completes after `duration`. Cancellation: throws system_error(operation_aborted).
inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, duration);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

}  // namespace sbx::drivers::docker
