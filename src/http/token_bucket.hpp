// Token bucket rate limiter for coroutines; waiters are served in arrival order.
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/awaitable.hpp>

namespace sbx::http {

/// Allows `rate` takes per second on average and bursts of up to `burst`. The bucket
/// starts full. Not thread-safe: use from one thread (or strand).
class token_bucket {
 public:
  using clock = std::chrono::steady_clock;

  /// `rate` tokens per second (0 means unlimited), at most `burst` (>= 1) saved up.
  token_bucket(double rate, double burst);

  /// Takes one token, waiting until it is available. Each call reserves its token on
  /// entry, so callers are served first-come, first-served. Cancellation: the token
  /// is returned and the call throws boost::system::system_error(operation_aborted).
  boost::asio::awaitable<void> take();

  /// Reserves one token at `now` and returns how long its holder must wait (zero when
  /// one was saved up). The I/O-free core of take().
  clock::duration reserve(clock::time_point now);

  /// Gives back a reserved token that was not used.
  void give_back() noexcept;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace sbx::http
