#include "http/semaphore.hpp"

#include "http/wait_queue.hpp"

namespace sbx::http {

struct permit::state {
  std::size_t limit;
  std::size_t in_use = 0;
  wait_queue<bool> waiters;

  bool has_room() const noexcept { return limit == 0 || in_use < limit; }

  /// A unit comes back: it passes to the oldest waiter, or becomes free.
  void give_back() noexcept {
    bool handed = true;
    if (!waiters.notify_one(handed)) --in_use;
  }
};

permit::permit(permit&& other) noexcept : state_(std::move(other.state_)) {}

permit& permit::operator=(permit&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
  }
  return *this;
}

permit::~permit() { release(); }

void permit::release() noexcept {
  if (auto s = std::move(state_)) s->give_back();
}

async_semaphore::async_semaphore(std::size_t limit) : state_(std::make_shared<permit::state>()) {
  state_->limit = limit;
}

boost::asio::awaitable<permit> async_semaphore::acquire() {
  auto s = state_;
  if (s->waiters.empty() && s->has_room()) {
    ++s->in_use;
    co_return permit(s);
  }
  co_await s->waiters.wait();
  co_return permit(s);
}

std::optional<permit> async_semaphore::try_acquire() {
  if (!state_->waiters.empty() || !state_->has_room()) return std::nullopt;
  ++state_->in_use;
  return permit(state_);
}

std::size_t async_semaphore::limit() const noexcept { return state_->limit; }
std::size_t async_semaphore::in_use() const noexcept { return state_->in_use; }
std::size_t async_semaphore::waiting() const noexcept { return state_->waiters.size(); }

}  // namespace sbx::http
