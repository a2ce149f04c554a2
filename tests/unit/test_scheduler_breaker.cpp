// scheduler/circuit_breaker: the state machine, with time passed in.
#include "scheduler/circuit_breaker.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace std::chrono_literals;
using sbx::breaker_state;
using sbx::scheduler::circuit_breaker;
using sbx::scheduler::time_point;

const time_point t0 = time_point{} + 1000h;

// Fails `n` granted requests at `at`.
void fail(circuit_breaker& breaker, int n, time_point at) {
  for (int i = 0; i < n; ++i) breaker.failed(breaker.acquire(at), at);
}

}  // namespace

TEST_CASE("breaker opens after K consecutive failures; a success resets the run", "[scheduler][breaker]") {
  circuit_breaker breaker({.consecutive_failures = 3, .failure_rate = 0, .cooldown = 10s});
  fail(breaker, 2, t0);
  breaker.succeeded(breaker.acquire(t0));
  fail(breaker, 2, t0);
  CHECK(breaker.state(t0) == breaker_state::closed);
  fail(breaker, 1, t0);
  CHECK(breaker.state(t0) == breaker_state::open);
  CHECK_FALSE(breaker.would_allow(t0 + 9s));
  CHECK_FALSE(breaker.acquire(t0 + 9s).granted);
  CHECK(breaker.half_opens_at() == t0 + 10s);
}

TEST_CASE("breaker opens when the failure share of the window reaches the rate", "[scheduler][breaker]") {
  circuit_breaker breaker({.consecutive_failures = 0, .failure_rate = 0.5, .window = 10, .min_samples = 6});
  // Alternating failures never make a run, but half of the window fails.
  for (int i = 0; i < 2; ++i) {
    breaker.succeeded(breaker.acquire(t0));
    fail(breaker, 1, t0);
  }
  breaker.succeeded(breaker.acquire(t0));
  CHECK(breaker.state(t0) == breaker_state::closed);  // 2 of 5: too few samples
  fail(breaker, 1, t0);                                 // 3 of 6
  CHECK(breaker.state(t0) == breaker_state::open);
}

TEST_CASE("the window slides: old failures leave it", "[scheduler][breaker]") {
  circuit_breaker breaker({.consecutive_failures = 0, .failure_rate = 0.5, .window = 4, .min_samples = 4});
  fail(breaker, 1, t0);
  for (int i = 0; i < 3; ++i) breaker.succeeded(breaker.acquire(t0));  // F S S S: 1 of 4
  fail(breaker, 1, t0);                                                 // S S S F: 1 of 4
  CHECK(breaker.window_failures() == 1);
  CHECK(breaker.window_size() == 4);
  fail(breaker, 1, t0);  // S S F F: 2 of 4
  CHECK(breaker.state(t0) == breaker_state::open);
}

TEST_CASE("after the cool-down one probe goes; its success closes the breaker", "[scheduler][breaker]") {
  circuit_breaker breaker({.consecutive_failures = 1, .cooldown = 10s});
  fail(breaker, 1, t0);
  const auto later = t0 + 10s;
  CHECK(breaker.state(later) == breaker_state::half_open);
  const auto probe = breaker.acquire(later);
  CHECK(probe.granted);
  CHECK(probe.probe);
  CHECK_FALSE(breaker.acquire(later).granted);  // one probe at a time
  breaker.succeeded(probe);
  CHECK(breaker.state(later) == breaker_state::closed);
  CHECK(breaker.consecutive_failures() == 0);
  const auto normal = breaker.acquire(later);
  CHECK(normal.granted);
  CHECK_FALSE(normal.probe);
}

TEST_CASE("a failed probe reopens the breaker for another cool-down", "[scheduler][breaker]") {
  circuit_breaker breaker({.consecutive_failures = 1, .cooldown = 10s});
  fail(breaker, 1, t0);
  const auto probe = breaker.acquire(t0 + 15s);
  REQUIRE(probe.probe);
  breaker.failed(probe, t0 + 15s);
  CHECK(breaker.state(t0 + 20s) == breaker_state::open);
  CHECK(breaker.state(t0 + 25s) == breaker_state::half_open);
}

TEST_CASE("an abandoned probe lets the next request probe", "[scheduler][breaker]") {
  circuit_breaker breaker({.consecutive_failures = 1, .cooldown = 1s});
  fail(breaker, 1, t0);
  const auto probe = breaker.acquire(t0 + 1s);
  breaker.abandoned(probe);
  CHECK(breaker.acquire(t0 + 1s).probe);
}

TEST_CASE("outcomes of requests that started before the breaker opened are ignored", "[scheduler][breaker]") {
  circuit_breaker breaker({.consecutive_failures = 2, .cooldown = 10s});
  const auto early = breaker.acquire(t0);
  fail(breaker, 2, t0);
  REQUIRE(breaker.state(t0) == breaker_state::open);
  breaker.succeeded(early);  // a slow create that finished late does not close it
  CHECK(breaker.state(t0) == breaker_state::open);
}
