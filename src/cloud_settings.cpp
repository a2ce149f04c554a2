#include "cloud_settings.hpp"

#include <cstdlib>

namespace sbx::detail {
namespace {

std::size_t count_or(const json_reader& read, std::string_view key, std::size_t fallback) {
  const auto value = read.optional_number(key);
  if (!value) return fallback;
  if (*value < 0)
    throw SandboxConfigurationError(std::string(read.what) + ": key '" + std::string(key) + "' must not be negative");
  return static_cast<std::size_t>(*value);
}

std::chrono::milliseconds millis_or(const json_reader& read, std::string_view key, std::chrono::milliseconds fallback) {
  return std::chrono::milliseconds(count_or(read, key, static_cast<std::size_t>(fallback.count())));
}

}  // namespace

env_lookup process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  };
}

cloud_knobs read_cloud_knobs(const json_reader& read, const cloud_knobs& defaults) {
  cloud_knobs k = defaults;
  k.limits.running_sandboxes = count_or(read, "max_running", defaults.limits.running_sandboxes);
  k.limits.creates_in_flight = count_or(read, "max_creates_in_flight", defaults.limits.creates_in_flight);
  k.limits.create_rate = read.number_or("create_rate", defaults.limits.create_rate);
  k.limits.create_burst = read.number_or("create_burst", defaults.limits.create_burst);
  k.limits.execs_in_flight = count_or(read, "max_execs_in_flight", defaults.limits.execs_in_flight);
  k.limits.destroys_in_flight = count_or(read, "max_destroys_in_flight", defaults.limits.destroys_in_flight);
  k.pool.max_per_host = count_or(read, "max_connections", defaults.pool.max_per_host);
  k.pool.max_total = k.pool.max_per_host + 64;
  k.retry.max_attempts = static_cast<unsigned>(count_or(read, "retry_attempts", defaults.retry.max_attempts));
  k.retry.base_delay = millis_or(read, "retry_base_delay_ms", defaults.retry.base_delay);
  k.request_timeout = millis_or(read, "request_timeout_ms", defaults.request_timeout);
  return k;
}

std::string redact_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
      text.replace(at, secret.size(), "***");
  }
  return text;
}

error_context context_of(std::string key, std::string value) {
  error_context out;
  out.emplace(std::move(key), std::move(value));
  return out;
}

}  // namespace sbx::detail
