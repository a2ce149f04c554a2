#include "http/admission.hpp"

namespace sbx::http {
namespace {

bool full(const async_semaphore& s) noexcept {
  return s.waiting() > 0 || (s.limit() != 0 && s.in_use() >= s.limit());
}

}  // namespace

admission::admission(admission_limits limits)
    : limits_(limits),
      running_(limits.running_sandboxes),
      creates_(limits.creates_in_flight),
      execs_(limits.execs_in_flight),
      destroys_(limits.destroys_in_flight),
      create_rate_(limits.create_rate, limits.create_burst) {}

boost::asio::awaitable<create_ticket> admission::admit_create() {
  create_ticket ticket;
  ticket.running = co_await running_.acquire();
  ticket.in_flight = co_await creates_.acquire();
  co_await create_rate_.take();
  co_return ticket;
}

boost::asio::awaitable<permit> admission::admit_exec() { co_return co_await execs_.acquire(); }

boost::asio::awaitable<permit> admission::admit_destroy() { co_return co_await destroys_.acquire(); }

bool admission::create_saturated() const noexcept { return full(running_) || full(creates_); }

}  // namespace sbx::http
