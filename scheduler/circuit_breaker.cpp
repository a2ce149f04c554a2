#include "circuit_breaker.hpp"

namespace sbx {

const char* to_string(breaker_state state) noexcept {
  switch (state) {
    case breaker_state::closed: return "closed";
    case breaker_state::open: return "open";
    case breaker_state::half_open: return "half_open";
  }
  return "closed";
}

namespace scheduler {

circuit_breaker::circuit_breaker(BreakerOptions options)
    : options_(options), window_(options.window, false) {}

breaker_state circuit_breaker::state(time_point now) const {
  if (state_ == breaker_state::open && now >= opened_at_ + options_.cooldown) return breaker_state::half_open;
  return state_;
}

bool circuit_breaker::would_allow(time_point now) const {
  switch (state(now)) {
    case breaker_state::closed: return true;
    case breaker_state::half_open: return !probe_in_flight_;
    case breaker_state::open: return false;
  }
  return false;
}

breaker_ticket circuit_breaker::acquire(time_point now) {
  if (!would_allow(now)) return {};
  if (state(now) == breaker_state::closed) return {.granted = true};
  state_ = breaker_state::half_open;
  probe_in_flight_ = true;
  return {.granted = true, .probe = true};
}

void circuit_breaker::succeeded(const breaker_ticket& ticket) {
  if (ticket.probe) {
    probe_in_flight_ = false;
    state_ = breaker_state::closed;
    reset_counts();
    return;
  }
  if (state_ != breaker_state::closed) return;
  consecutive_ = 0;
  record(false);
}

void circuit_breaker::failed(const breaker_ticket& ticket, time_point now) {
  if (ticket.probe) {
    probe_in_flight_ = false;
    trip(now);
    return;
  }
  if (state_ != breaker_state::closed) return;
  ++consecutive_;
  record(true);
  const bool in_a_row = options_.consecutive_failures > 0 && consecutive_ >= options_.consecutive_failures;
  const bool by_rate = options_.failure_rate > 0 && window_count_ > 0 && window_count_ >= options_.min_samples &&
                       static_cast<double>(window_failures_) >= options_.failure_rate * static_cast<double>(window_count_);
  if (in_a_row || by_rate) trip(now);
}

void circuit_breaker::abandoned(const breaker_ticket& ticket) {
  if (ticket.probe) probe_in_flight_ = false;
}

std::optional<time_point> circuit_breaker::half_opens_at() const {
  if (state_ != breaker_state::open) return std::nullopt;
  return opened_at_ + options_.cooldown;
}

void circuit_breaker::record(bool failure) {
  if (window_.empty()) return;
  if (window_count_ == window_.size()) {
    window_failures_ -= window_[window_next_] ? 1 : 0;
  } else {
    ++window_count_;
  }
  window_[window_next_] = failure;
  window_failures_ += failure ? 1 : 0;
  window_next_ = (window_next_ + 1) % window_.size();
}

void circuit_breaker::trip(time_point now) {
  state_ = breaker_state::open;
  opened_at_ = now;
}

void circuit_breaker::reset_counts() {
  consecutive_ = 0;
  window_count_ = 0;
  window_failures_ = 0;
  window_next_ = 0;
}

}  // namespace scheduler
}  // namespace sbx
