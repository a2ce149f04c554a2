#include "http/token_bucket.hpp"

#include <algorithm>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sbx::http {

struct token_bucket::state {
  double rate;
  double burst;
  double tokens;  // may go negative: tokens reserved by waiters
  clock::time_point updated{};

  void give_back() noexcept {
    if (rate > 0) tokens = std::min(burst, tokens + 1);
  }
};

token_bucket::token_bucket(double rate, double burst)
    : state_(std::make_shared<state>(state{rate, std::max(burst, 1.0), std::max(burst, 1.0)})) {}

token_bucket::clock::duration token_bucket::reserve(clock::time_point now) {
  auto& s = *state_;
  if (s.rate <= 0) return clock::duration::zero();
  if (s.updated != clock::time_point{} && now > s.updated) {
    const double elapsed = std::chrono::duration<double>(now - s.updated).count();
    s.tokens = std::min(s.burst, s.tokens + elapsed * s.rate);
  }
  s.updated = std::max(s.updated, now);
  s.tokens -= 1;
  if (s.tokens >= 0) return clock::duration::zero();
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(-s.tokens / s.rate));
}

void token_bucket::give_back() noexcept { state_->give_back(); }

boost::asio::awaitable<void> token_bucket::take() {
  auto keep = state_;
  const auto wait = reserve(clock::now());
  if (wait == clock::duration::zero()) co_return;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, wait);
  try {
    co_await timer.async_wait(boost::asio::use_awaitable);
  } catch (...) {
    keep->give_back();
    throw;
  }
}

}  // namespace sbx::http
