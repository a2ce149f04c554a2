// What every cloud driver reads the same way: environment variables, the admission,
// connection-pool, retry and timeout knobs of its driver options, and error text with
// secrets removed.
#pragma once

#include "driver_option_keys.hpp"
#include "http/admission.hpp"
#include "http/pool.hpp"
#include "http/retry.hpp"
#include "json_fields.hpp"
#include "sbx/errors.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sbx::detail {

/// Reads an environment variable (nullopt when unset or empty).
using env_lookup = std::function<std::optional<std::string>(const char* name)>;

/// The process environment as an env_lookup.
env_lookup process_environment();

/// The transport and admission settings of one cloud client.
struct cloud_knobs {
  http::admission_limits limits;
  http::pool_options pool;
  http::retry_policy retry;
  std::chrono::milliseconds request_timeout{60'000};
};

/// `defaults` overridden by the driver options "max_running", "max_creates_in_flight",
/// "create_rate", "create_burst", "max_execs_in_flight", "max_destroys_in_flight"
/// (admission limits, 0: unlimited), "max_connections" (per host; the pool's total is
/// that plus 64), "retry_attempts", "retry_base_delay_ms" and "request_timeout_ms".
/// Throws SandboxConfigurationError naming a key of the wrong type or a negative count.
cloud_knobs read_cloud_knobs(const json_reader& read, const cloud_knobs& defaults);

/// The driver option keys read_cloud_knobs reads (for reject_unknown_driver_options).
inline constexpr std::string_view cloud_knob_keys[]{
    "max_running",         "max_creates_in_flight", "create_rate",    "create_burst",
    "max_execs_in_flight", "max_destroys_in_flight", "max_connections", "retry_attempts",
    "retry_base_delay_ms", "request_timeout_ms"};

/// `text` with every occurrence of each non-empty secret replaced by "***".
std::string redact_secrets(std::string text, const std::vector<std::string>& secrets);

/// A one-entry error context (built outside coroutines: GCC 12 mishandles initializer
/// lists in coroutine frames).
error_context context_of(std::string key, std::string value);

}  // namespace sbx::detail
