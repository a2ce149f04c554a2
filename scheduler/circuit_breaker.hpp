// A circuit breaker over create outcomes: a pure state machine, time passed in.
#pragma once

#include "sbx/router.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace sbx::scheduler {

using time_point = std::chrono::system_clock::time_point;

/// What acquire() granted: whether the request may go, and whether it is the one
/// probe of a half-open breaker.
struct breaker_ticket {
  bool granted = false;
  bool probe = false;
};

/// closed: every request goes; failures are counted (in a row, and in a window of the
/// last N outcomes). Opens on K failures in a row or when the window's failure share
/// reaches the rate. open: nothing goes until the cool-down has passed, then the
/// breaker is half-open: one probe goes; its success closes the breaker (counters
/// reset), its failure opens it again for another cool-down. Outcomes of requests
/// that started before the breaker opened are ignored while it is not closed.
class circuit_breaker {
 public:
  explicit circuit_breaker(BreakerOptions options);

  /// The state at `now` (open reads as half_open once the cool-down has passed).
  breaker_state state(time_point now) const;
  /// True when acquire(now) would grant.
  bool would_allow(time_point now) const;
  /// Lets a request go when the state allows it; a half-open grant is the probe.
  breaker_ticket acquire(time_point now);

  void succeeded(const breaker_ticket& ticket);
  void failed(const breaker_ticket& ticket, time_point now);
  /// The request ended without a verdict (cancelled, or a caller error): a probe's
  /// slot is freed for the next request.
  void abandoned(const breaker_ticket& ticket);

  /// When an open breaker lets its probe go; nothing unless open.
  std::optional<time_point> half_opens_at() const;

  std::size_t consecutive_failures() const noexcept { return consecutive_; }
  std::size_t window_failures() const noexcept { return window_failures_; }
  std::size_t window_size() const noexcept { return window_count_; }

 private:
  void record(bool failure);
  void trip(time_point now);
  void reset_counts();

  BreakerOptions options_;
  breaker_state state_ = breaker_state::closed;  // open stays open here until acquire()
  time_point opened_at_{};
  bool probe_in_flight_ = false;
  std::size_t consecutive_ = 0;
  std::vector<bool> window_;  // ring of the last outcomes (true: failure)
  std::size_t window_next_ = 0;
  std::size_t window_count_ = 0;
  std::size_t window_failures_ = 0;
};

}  // namespace sbx::scheduler
