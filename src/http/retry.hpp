// Retry policy: which failures are retried and how long to wait (pure functions).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "http/fields.hpp"

namespace sbx::http {

/// How a client retries. Retried: connection failures, and 429/502/503/504 responses,
/// for idempotent requests; for the others see client::send.
struct retry_policy {
  /// Attempts in total, the first included (1 disables retries).
  unsigned max_attempts = 4;
  /// Backoff before retry n (0-based) is uniform in [0, min(max_delay, base_delay * 2^n)].
  std::chrono::milliseconds base_delay{250};
  std::chrono::milliseconds max_delay{8'000};
  /// Server wait hints (Retry-After and provider variants) are honoured up to this.
  std::chrono::milliseconds max_retry_after{60'000};
  /// Retry non-idempotent requests answered with 429: a rate-limited request was
  /// refused before being processed, so repeating it creates nothing twice.
  bool retry_rate_limited_non_idempotent = true;
};

/// 429, 502, 503 and 504.
bool is_retryable_status(unsigned status) noexcept;

/// Parses a Retry-After value: delta-seconds ("120", fractions accepted) or an HTTP-date
/// (IMF-fixdate, RFC 850 or asctime form) taken relative to `now`; a date in the past
/// gives zero. Malformed values give nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

/// The server's wait hint in `headers`, the largest of: Retry-After, Daytona's
/// Retry-After-<bucket>, and X-RateLimit-Reset-<bucket> (seconds) for every bucket whose
/// X-RateLimit-Remaining-<bucket> is 0. Nullopt when there is none.
std::optional<std::chrono::milliseconds> retry_after_hint(const fields& headers,
                                                          std::chrono::system_clock::time_point now);

/// Full-jitter exponential backoff before retry `retry` (0-based); `unit` is a uniform
/// random draw in [0, 1).
std::chrono::milliseconds backoff_delay(const retry_policy& policy, unsigned retry, double unit);

/// The wait before retry `retry` after a response carrying `headers`: the server's hint
/// capped at max_retry_after when present, else backoff_delay.
std::chrono::milliseconds retry_delay(const retry_policy& policy, unsigned retry, const fields& headers,
                                      std::chrono::system_clock::time_point now, double unit);

}  // namespace sbx::http
