// Why a create failed, as far as placement cares (internal).
#pragma once

#include "sbx/errors.hpp"

namespace sbx::scheduler {

/// rate_limited, capacity and transient failures count against a candidate's health
/// and fail over to the next candidate; unsupported (the candidate cannot do what was
/// asked) fails over without counting; auth and config failures are the caller's to
/// fix: they surface at once and say nothing about the candidate's health.
enum class failure_kind { rate_limited, capacity, transient, unsupported, auth, config };

/// "rate_limited", "capacity", ...
const char* to_string(failure_kind kind) noexcept;

/// Classifies from the error class, then its context ("status"/"http_status",
/// "error_code") and finally its message: FeatureNotSupportedError is unsupported;
/// configuration, installation and workspace errors are config; HTTP 401/403 or "unauthorized"/"forbidden"/"api key"
/// is auth; 429 or "rate limit"/"too many requests" is rate_limited; "capacity",
/// "quota", "limit reached", "no_compatible_node" or "placement" is capacity; the
/// rest (connection, timeout, 5xx, provider errors) is transient.
failure_kind classify_failure(const SandboxError& error);

/// True for the kinds that move a create to the next candidate.
bool fails_over(failure_kind kind) noexcept;
/// True for the kinds that count as a failure of the candidate's health.
bool counts_against_health(failure_kind kind) noexcept;

}  // namespace sbx::scheduler
