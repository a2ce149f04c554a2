#include "drivers/daytona/daytona_settings.hpp"

namespace sbx::drivers::daytona {
namespace {

// The driver option keys load_settings reads besides detail::cloud_knob_keys.
constexpr std::string_view option_keys[]{"api_key", "api_url", "target", "snapshot", "workdir", "poll_interval_ms"};

}  // namespace

daytona_settings load_settings(const boost::json::object& driver_options, const env_lookup& env) {
  detail::reject_unknown_driver_options(driver_options, "daytona", {option_keys, detail::cloud_knob_keys});
  const detail::json_reader read{driver_options, "daytona driver options"};
  daytona_settings s;
  s.api_key = read.optional_string("api_key").value_or(env("DAYTONA_API_KEY").value_or(""));
  s.api_url = read.optional_string("api_url").value_or(env("DAYTONA_API_URL").value_or(s.api_url));
  s.target = read.optional_string("target");
  if (!s.target) s.target = env("DAYTONA_TARGET");
  s.snapshot = read.optional_string("snapshot");
  s.workdir = read.string_or("workdir", s.workdir);
  const auto poll = read.number_or("poll_interval_ms", 250);
  if (poll < 1) throw SandboxConfigurationError("daytona driver options: key 'poll_interval_ms' must be at least 1");
  s.poll_interval = std::chrono::milliseconds(static_cast<long>(poll));

  // Daytona Tier 1: 300 creations per minute (5 per second); running sandboxes are
  // bounded by the organization's vCPU/RAM/disk quota, not by a count.
  detail::cloud_knobs defaults;
  defaults.limits = {.creates_in_flight = 32, .running_sandboxes = 0, .execs_in_flight = 256,
                     .destroys_in_flight = 32, .create_rate = 5, .create_burst = 5};
  defaults.pool.max_per_host = 256;
  defaults.retry.max_attempts = 4;
  defaults.retry.base_delay = std::chrono::milliseconds(250);
  s.knobs = detail::read_cloud_knobs(read, defaults);
  return s;
}

void require_api_key(const daytona_settings& settings) {
  if (settings.api_key.empty())
    throw SandboxConfigurationError("No Daytona API key: set DAYTONA_API_KEY or the driver option 'api_key'",
                                    {.backend = "daytona", .op = "start"});
}

}  // namespace sbx::drivers::daytona
