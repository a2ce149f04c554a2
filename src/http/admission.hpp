// Admission control per provider: bounded creates, running sandboxes, execs and
// destroys, plus a create-rate limit. Callers over a limit wait in FIFO order.
#pragma once

#include <cstddef>

#include <boost/asio/awaitable.hpp>

#include "http/semaphore.hpp"
#include "http/token_bucket.hpp"

namespace sbx::http {

/// Limits of one provider; 0 means unlimited. Defaults suit an unknown cloud API;
/// drivers override them from their provider's documentation.
struct admission_limits {
  /// Create calls in flight at once.
  std::size_t creates_in_flight = 32;
  /// Live sandboxes (from admit_create until the ticket's `running` permit is released).
  std::size_t running_sandboxes = 0;
  /// Exec calls (commands, code runs, file operations) in flight at once.
  std::size_t execs_in_flight = 256;
  /// Destroy calls in flight at once; a separate pool, so destroys never wait behind
  /// creates or execs.
  std::size_t destroys_in_flight = 32;
  /// Creates started per second on average (0 = unlimited), with bursts up to
  /// create_burst.
  double create_rate = 0;
  double create_burst = 1;
};

/// What admit_create hands out: keep `running` for the sandbox's lifetime, release
/// `in_flight` when the create call returns.
struct create_ticket {
  permit running;
  permit in_flight;
};

/// The admission state of one provider, shared by every operation on it. Not
/// thread-safe: use from one thread (or strand).
class admission {
 public:
  explicit admission(admission_limits limits = {});

  /// Waits for a running-sandbox slot, then a create slot, then a create-rate token.
  /// Cancellation: whatever was acquired is given back and the call throws
  /// boost::system::system_error(operation_aborted).
  boost::asio::awaitable<create_ticket> admit_create();

  /// Waits for an exec slot. Cancellation as admit_create.
  boost::asio::awaitable<permit> admit_exec();

  /// Waits for a destroy slot (independent of every other limit). Cancellation as
  /// admit_create.
  boost::asio::awaitable<permit> admit_destroy();

  /// True when admit_create would wait now (a placement hint for routers).
  bool create_saturated() const noexcept;

  const admission_limits& limits() const noexcept { return limits_; }
  const async_semaphore& running() const noexcept { return running_; }
  const async_semaphore& creates() const noexcept { return creates_; }
  const async_semaphore& execs() const noexcept { return execs_; }
  const async_semaphore& destroys() const noexcept { return destroys_; }

 private:
  admission_limits limits_;
  async_semaphore running_;
  async_semaphore creates_;
  async_semaphore execs_;
  async_semaphore destroys_;
  token_bucket create_rate_;
};

}  // namespace sbx::http
