// FIFO queue of suspended coroutines, each woken with a value (internal building block
// of the semaphore and the connection pool).
#pragma once

#include <chrono>
#include <list>
#include <memory>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace sbx::http {

/// Waiters are woken strictly in arrival order. Not thread-safe: use from one thread
/// (or strand).
template <class T>
class wait_queue {
 public:
  /// Suspends until notify_one() hands this waiter a value and returns it.
  /// Cancellation (any type): the waiter leaves the queue and the call throws
  /// boost::system::system_error(operation_aborted); a value handed over before the
  /// cancellation arrived is returned instead.
  boost::asio::awaitable<T> wait() {
    auto w = std::make_shared<waiter>(co_await boost::asio::this_coro::executor);
    auto it = waiters_.insert(waiters_.end(), w);
    try {
      // Leaves the queue however the wait ends without a value.
      co_await w->timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    } catch (...) {
      waiters_.erase(it);
      throw;
    }
    if (w->value) co_return std::move(*w->value);
    waiters_.erase(it);
    throw boost::system::system_error(boost::asio::error::operation_aborted);
  }

  /// Hands `value` to the oldest waiter; returns false (and drops nothing: `value` is
  /// untouched) when nobody waits.
  bool notify_one(T& value) {
    if (waiters_.empty()) return false;
    auto w = std::move(waiters_.front());
    waiters_.pop_front();
    w->value.emplace(std::move(value));
    w->timer.cancel();
    return true;
  }

  bool empty() const noexcept { return waiters_.empty(); }
  std::size_t size() const noexcept { return waiters_.size(); }

 private:
  struct waiter {
    explicit waiter(const boost::asio::any_io_executor& ex)
        : timer(ex, std::chrono::steady_clock::time_point::max()) {}
    boost::asio::steady_timer timer;
    std::optional<T> value;
  };
  std::list<std::shared_ptr<waiter>> waiters_;
};

}  // namespace sbx::http
