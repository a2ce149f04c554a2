// Admission primitives: FIFO semaphore, token bucket, per-provider admission.
#include "http/admission.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>

#include "test_http_loopback.hpp"

using namespace sbx_http_test;
using namespace boost::asio::experimental::awaitable_operators;
namespace sh = sbx::http;
using clock_type = std::chrono::steady_clock;

TEST_CASE("http semaphore: waiters acquire in arrival order", "[http][admission]") {
  asio::io_context ctx;
  sh::async_semaphore sem(1);
  std::vector<int> order;
  run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto first = co_await sem.acquire();
    int finished = 0;
    asio::steady_timer done(ex, clock_type::time_point::max());
    for (int i = 0; i < 5; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        auto p = co_await sem.acquire();
        order.push_back(i);
        co_await sleep_for(1ms);
        if (++finished == 5) done.cancel();
      }, asio::detached);
    }
    co_await sleep_for(5ms);
    CHECK(sem.waiting() == 5);
    CHECK_FALSE(sem.try_acquire());
    first.release();
    co_await done.async_wait(as_tuple_awaitable);
  }());
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(sem.in_use() == 0);
  CHECK(sem.waiting() == 0);
}

TEST_CASE("http semaphore: a cancelled waiter leaves the queue", "[http][admission]") {
  asio::io_context ctx;
  sh::async_semaphore sem(1);
  run(ctx, [&]() -> asio::awaitable<void> {
    auto held = co_await sem.acquire();
    auto r = co_await (sem.acquire() || sleep_for(10ms));
    CHECK(r.index() == 1);
    CHECK(sem.waiting() == 0);
    held.release();
    auto again = sem.try_acquire();
    CHECK(again.has_value());
  }());
  CHECK(sem.in_use() == 0);
}

TEST_CASE("http semaphore: a caller cancelled before it waits leaves no waiter behind", "[http][admission]") {
  asio::io_context ctx;
  sh::async_semaphore sem(1);
  auto held = sem.try_acquire();
  run(ctx, [&]() -> asio::awaitable<void> {
    asio::cancellation_signal signal;
    bool threw = false;
    asio::co_spawn(co_await asio::this_coro::executor, [&]() -> asio::awaitable<void> {
      try {
        co_await sleep_for(5ms);  // the cancellation arrives here, then acquire() starts
      } catch (const boost::system::system_error&) {
      }
      try {
        auto p = co_await sem.acquire();
      } catch (const boost::system::system_error&) {
        threw = true;
      }
    }, asio::bind_cancellation_slot(signal.slot(), asio::detached));
    co_await sleep_for(1ms);
    signal.emit(asio::cancellation_type::terminal);
    co_await sleep_for(10ms);
    CHECK(threw);
  }());
  CHECK(sem.waiting() == 0);
  held->release();
  CHECK(sem.in_use() == 0);
}

TEST_CASE("http semaphore: permits move, release once, and 0 means unlimited", "[http][admission]") {
  asio::io_context ctx;
  sh::async_semaphore sem(2);
  auto a = sem.try_acquire();
  REQUIRE(a);
  sh::permit moved = std::move(*a);
  CHECK(sem.in_use() == 1);
  moved.release();
  moved.release();
  CHECK(sem.in_use() == 0);
  sh::async_semaphore unlimited(0);
  std::vector<sh::permit> many;
  for (int i = 0; i < 1000; ++i) many.push_back(*unlimited.try_acquire());
  CHECK(unlimited.in_use() == 1000);
}

TEST_CASE("http token bucket: reservations are spaced by the rate after the burst", "[http][admission]") {
  sh::token_bucket bucket(10.0, 2.0);  // 10/s, burst 2
  const auto t0 = clock_type::now();
  CHECK(bucket.reserve(t0) == clock_type::duration::zero());
  CHECK(bucket.reserve(t0) == clock_type::duration::zero());
  const auto w3 = bucket.reserve(t0);
  const auto w4 = bucket.reserve(t0);
  CHECK(std::chrono::duration<double>(w3).count() == Approx(0.1).margin(1e-6));
  CHECK(std::chrono::duration<double>(w4).count() == Approx(0.2).margin(1e-6));
  // A second later the debt is paid and the burst refilled (capped at 2).
  const auto t1 = t0 + std::chrono::seconds(1);
  CHECK(bucket.reserve(t1) == clock_type::duration::zero());
  CHECK(bucket.reserve(t1) == clock_type::duration::zero());
  CHECK(bucket.reserve(t1) > clock_type::duration::zero());
  sh::token_bucket unlimited(0.0, 1.0);
  for (int i = 0; i < 100; ++i) CHECK(unlimited.reserve(t0) == clock_type::duration::zero());
}

TEST_CASE("http token bucket: take() paces callers at the configured rate", "[http][admission]") {
  asio::io_context ctx;
  sh::token_bucket bucket(20.0, 1.0);  // one token per 50 ms
  const auto start = clock_type::now();
  run(ctx, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 5; ++i) co_await bucket.take();
  }());
  const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
  CHECK(elapsed >= 0.18);  // 4 waits of 50 ms
}

TEST_CASE("http token bucket: a cancelled take returns its token", "[http][admission]") {
  asio::io_context ctx;
  sh::token_bucket bucket(1.0, 1.0);
  run(ctx, [&]() -> asio::awaitable<void> {
    co_await bucket.take();                             // uses the burst
    auto r = co_await (bucket.take() || sleep_for(10ms));  // would wait ~1 s
    CHECK(r.index() == 1);
  }());
  // The next reservation waits about one token interval, not two.
  CHECK(bucket.reserve(clock_type::now()) <= std::chrono::milliseconds(1000));
}

TEST_CASE("http admission: destroys never wait behind creates or execs", "[http][admission]") {
  asio::io_context ctx;
  sh::admission adm({.creates_in_flight = 1, .running_sandboxes = 1, .execs_in_flight = 1, .destroys_in_flight = 2});
  run(ctx, [&]() -> asio::awaitable<void> {
    auto ticket = co_await adm.admit_create();
    auto exec = co_await adm.admit_exec();
    CHECK(adm.create_saturated());
    auto blocked_create = co_await (adm.admit_create() || sleep_for(10ms));
    CHECK(blocked_create.index() == 1);
    auto blocked_exec = co_await (adm.admit_exec() || sleep_for(10ms));
    CHECK(blocked_exec.index() == 1);
    auto d1 = co_await (adm.admit_destroy() || sleep_for(1s));
    auto d2 = co_await (adm.admit_destroy() || sleep_for(1s));
    CHECK(d1.index() == 0);
    CHECK(d2.index() == 0);
    CHECK(adm.destroys().in_use() == 2);
  }());
}

TEST_CASE("http admission: running-sandbox slots outlive the create call", "[http][admission]") {
  asio::io_context ctx;
  sh::admission adm({.creates_in_flight = 4, .running_sandboxes = 2});
  std::vector<int> admitted;
  run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto a = co_await adm.admit_create();
    auto b = co_await adm.admit_create();
    a.in_flight.release();  // creates returned; sandboxes still live
    b.in_flight.release();
    CHECK(adm.creates().in_use() == 0);
    CHECK(adm.running().in_use() == 2);
    CHECK(adm.create_saturated());
    std::vector<sh::create_ticket> later;
    for (int i = 0; i < 2; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        later.push_back(co_await adm.admit_create());
        admitted.push_back(i);
      }, asio::detached);
    }
    co_await sleep_for(5ms);
    CHECK(admitted.empty());
    a.running.release();  // a sandbox destroyed: the oldest waiter goes
    co_await sleep_for(5ms);
    CHECK(admitted == std::vector<int>{0});
    b.running.release();
    co_await sleep_for(5ms);
    CHECK(admitted == std::vector<int>{0, 1});
  }());
}

TEST_CASE("http admission: the create rate limit spaces creates", "[http][admission]") {
  asio::io_context ctx;
  sh::admission adm({.create_rate = 50.0, .create_burst = 1.0});  // one per 20 ms
  const auto start = clock_type::now();
  run(ctx, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 6; ++i) co_await adm.admit_create();
  }());
  CHECK(std::chrono::duration<double>(clock_type::now() - start).count() >= 0.09);
}
