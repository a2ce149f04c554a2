#include "sbx/shutdown.hpp"

#include "dropped_sandboxes.hpp"
#include "log.hpp"
#include "sbx/blocking.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <memory>

namespace sbx {

namespace asio = boost::asio;

namespace detail {

namespace {
std::atomic<std::size_t> dropped_in_flight{0};
}

dropped_destroy_token::dropped_destroy_token() noexcept { dropped_in_flight.fetch_add(1, std::memory_order_relaxed); }
dropped_destroy_token::dropped_destroy_token(dropped_destroy_token&& other) noexcept {
  other.counted_ = false;
}
dropped_destroy_token::~dropped_destroy_token() {
  if (counted_) dropped_in_flight.fetch_sub(1, std::memory_order_release);
}
std::size_t dropped_destroys_in_flight() noexcept { return dropped_in_flight.load(std::memory_order_acquire); }

}  // namespace detail

namespace {

// The operation run by interrupt_guard::run, as seen from its completion handler.
struct guarded_run {
  asio::cancellation_signal stop;
  std::exception_ptr failure;
  bool done = false;
};

}  // namespace

interrupt_guard::interrupt_guard(asio::any_io_executor executor)
    : signals_(std::move(executor), SIGINT, SIGTERM) {}

awaitable<bool> interrupt_guard::run(awaitable<void> operation) {
  const auto executor = co_await asio::this_coro::executor;
  const auto run = std::make_shared<guarded_run>();
  asio::co_spawn(executor, std::move(operation),
                 asio::bind_cancellation_slot(run->stop.slot(), [run, this](std::exception_ptr failure) {
                   run->failure = failure;
                   run->done = true;
                   signals_.cancel();  // wakes the loop below
                 }));
  bool interrupted = false;
  while (!run->done) {
    const auto [error, signal_number] = co_await signals_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (run->done) break;
    if (!error) {
      if (interrupted_) {
        detail::log(log_level::warning, "second signal: exiting without finishing the cleanup");
        std::_Exit(exit_interrupted);
      }
      interrupted_ = interrupted = true;
      detail::log(log_level::info, "signal " + std::to_string(signal_number) +
                                       ": cancelling the work in flight and destroying live sandboxes");
    } else {
      co_await asio::this_coro::reset_cancellation_state();  // run() itself was cancelled
    }
    run->stop.emit(asio::cancellation_type::terminal);
  }
  if (interrupted) {
    // The wind-down goes on under this guard, so that a second signal still ends it.
    co_await this->run(wait_for_dropped_sandboxes());
    co_return true;
  }
  if (run->failure) std::rethrow_exception(run->failure);
  co_return false;
}

awaitable<void> wait_for_dropped_sandboxes() {
  if (detail::dropped_destroys_in_flight() == 0) co_return;
  asio::steady_timer tick(co_await asio::this_coro::executor);
  while (detail::dropped_destroys_in_flight() > 0) {
    tick.expires_after(std::chrono::milliseconds(20));
    co_await tick.async_wait(asio::use_awaitable);
  }
}

int run_interruptible(std::function<awaitable<int>()> main) {
  asio::io_context context(1);
  return blocking::run(context, [](std::function<awaitable<int>()> body) -> awaitable<int> {
    interrupt_guard guard(co_await asio::this_coro::executor);
    int status = 0;
    auto run_body = [&]() -> awaitable<void> { status = co_await body(); };
    bool interrupted = co_await guard.run(run_body());
    // Under the guard: a signal while dropped sandboxes are destroyed is handled too.
    if (!interrupted) interrupted = co_await guard.run(wait_for_dropped_sandboxes());
    co_return interrupted ? exit_interrupted : status;
  }(std::move(main)));
}

}  // namespace sbx
