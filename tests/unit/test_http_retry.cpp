// Retry policy pure functions: Retry-After forms, provider rate-limit headers, backoff.
#include "http/retry.hpp"

#include <catch2/catch.hpp>

namespace sh = sbx::http;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

namespace {

// 1994-11-06 08:49:00 UTC, 37 s before the dates used below.
const auto before = std::chrono::sys_days{std::chrono::year{1994} / 11 / 6} + 8h + 49min;

}  // namespace

TEST_CASE("http retry: Retry-After as delta-seconds", "[http][retry]") {
  CHECK(sh::parse_retry_after("120", before) == milliseconds(120'000));
  CHECK(sh::parse_retry_after(" 3 ", before) == milliseconds(3'000));
  CHECK(sh::parse_retry_after("1.5", before) == milliseconds(1'500));
  CHECK(sh::parse_retry_after("0", before) == milliseconds(0));
  CHECK_FALSE(sh::parse_retry_after("", before));
  CHECK_FALSE(sh::parse_retry_after("-1", before));
  CHECK_FALSE(sh::parse_retry_after("soon", before));
  CHECK_FALSE(sh::parse_retry_after("1.2.3", before));
  CHECK(sh::parse_retry_after("99999999999999999999", before) > milliseconds(0));
}

TEST_CASE("http retry: Retry-After as an HTTP-date in all three forms", "[http][retry]") {
  CHECK(sh::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", before) == milliseconds(37'000));
  CHECK(sh::parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", before) == milliseconds(37'000));
  CHECK(sh::parse_retry_after("Sun Nov  6 08:49:37 1994", before) == milliseconds(37'000));
  CHECK(sh::parse_retry_after("Sun, 06 Nov 1994 08:48:00 GMT", before) == milliseconds(0));  // past
  CHECK_FALSE(sh::parse_retry_after("Sun, 31 Feb 1994 08:49:37 GMT", before));
  CHECK_FALSE(sh::parse_retry_after("Sun, 06 Nov 1994 25:00:00 GMT", before));
  CHECK_FALSE(sh::parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", before));
}

TEST_CASE("http retry: server hints from Retry-After and Daytona bucket headers", "[http][retry]") {
  const auto now = std::chrono::system_clock::now();
  SECTION("none") {
    sh::fields f;
    f.set("Content-Type", "application/json");
    CHECK_FALSE(sh::retry_after_hint(f, now));
  }
  SECTION("plain Retry-After") {
    sh::fields f;
    f.set("retry-after", "4");
    CHECK(sh::retry_after_hint(f, now) == milliseconds(4'000));
  }
  SECTION("Retry-After-<bucket>") {
    sh::fields f;
    f.set("Retry-After-sandbox-create", "7");
    CHECK(sh::retry_after_hint(f, now) == milliseconds(7'000));
  }
  SECTION("X-RateLimit-Reset-<bucket> counts only for an exhausted bucket") {
    sh::fields f;
    f.set("X-RateLimit-Limit-authenticated", "100");
    f.set("X-RateLimit-Remaining-authenticated", "5");
    f.set("X-RateLimit-Reset-authenticated", "30");
    CHECK_FALSE(sh::retry_after_hint(f, now));
    f.set("x-ratelimit-remaining-authenticated", "0");
    CHECK(sh::retry_after_hint(f, now) == milliseconds(30'000));
  }
  SECTION("the largest hint wins") {
    sh::fields f;
    f.set("Retry-After", "2");
    f.set("Retry-After-sandbox-lifecycle", "9");
    f.set("X-RateLimit-Remaining-sandbox-create", "0");
    f.set("X-RateLimit-Reset-sandbox-create", "5");
    CHECK(sh::retry_after_hint(f, now) == milliseconds(9'000));
  }
}

TEST_CASE("http retry: full-jitter backoff stays within its exponential ceiling", "[http][retry]") {
  sh::retry_policy p{.base_delay = 100ms, .max_delay = 1'000ms};
  CHECK(sh::backoff_delay(p, 0, 0.0) == 0ms);
  CHECK(sh::backoff_delay(p, 0, 0.5) == 50ms);
  CHECK(sh::backoff_delay(p, 2, 0.5) == 200ms);   // ceiling 400 ms
  CHECK(sh::backoff_delay(p, 10, 0.5) == 500ms);  // ceiling capped at 1 s
  CHECK(sh::backoff_delay(p, 1000, 0.999) < 1'000ms);
  for (unsigned n = 0; n < 8; ++n)
    for (double u : {0.0, 0.25, 0.75, 0.999})
      CHECK(sh::backoff_delay(p, n, u) <= std::min(1'000ms, milliseconds(100 << n)));
}

TEST_CASE("http retry: retry_delay prefers the capped server hint", "[http][retry]") {
  sh::retry_policy p{.base_delay = 100ms, .max_delay = 1'000ms, .max_retry_after = 10'000ms};
  const auto now = std::chrono::system_clock::now();
  sh::fields none;
  CHECK(sh::retry_delay(p, 1, none, now, 0.5) == 100ms);
  sh::fields hinted;
  hinted.set("Retry-After", "3");
  CHECK(sh::retry_delay(p, 1, hinted, now, 0.5) == 3'000ms);
  hinted.set("Retry-After", "3600");
  CHECK(sh::retry_delay(p, 1, hinted, now, 0.5) == 10'000ms);
}

TEST_CASE("http retry: retryable statuses", "[http][retry]") {
  for (unsigned s : {429u, 502u, 503u, 504u}) CHECK(sh::is_retryable_status(s));
  for (unsigned s : {200u, 400u, 401u, 404u, 409u, 500u, 501u}) CHECK_FALSE(sh::is_retryable_status(s));
}
