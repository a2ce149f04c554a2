// Counting semaphore for coroutines with first-come, first-served waiters.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>

namespace sbx::http {

class async_semaphore;

/// One unit of a semaphore, given back when the permit is destroyed or released.
/// Move-only; a default-constructed or moved-from permit holds nothing.
class permit {
 public:
  permit() = default;
  permit(permit&& other) noexcept;
  permit& operator=(permit&& other) noexcept;
  ~permit();

  /// Gives the unit back now (no effect when empty).
  void release() noexcept;
  explicit operator bool() const noexcept { return state_ != nullptr; }

 private:
  friend class async_semaphore;
  struct state;
  explicit permit(std::shared_ptr<state> s) noexcept : state_(std::move(s)) {}
  std::shared_ptr<state> state_;
};

/// Limits how many holders run at once; callers over the limit queue in FIFO order
/// instead of failing. Permits keep the shared state alive, so they may outlive the
/// semaphore object. Not thread-safe: use from one thread (or strand).
class async_semaphore {
 public:
  /// `limit` units; 0 means unlimited.
  explicit async_semaphore(std::size_t limit);

  /// Waits for a unit. Strict FIFO: a caller never overtakes an earlier waiter.
  /// Cancellation: the caller leaves the queue and the call throws
  /// boost::system::system_error(operation_aborted).
  boost::asio::awaitable<permit> acquire();

  /// A unit if one is free and nobody waits, else nullopt (never suspends).
  std::optional<permit> try_acquire();

  std::size_t limit() const noexcept;
  /// Units held right now.
  std::size_t in_use() const noexcept;
  /// Callers waiting in acquire().
  std::size_t waiting() const noexcept;

 private:
  std::shared_ptr<permit::state> state_;
};

}  // namespace sbx::http
