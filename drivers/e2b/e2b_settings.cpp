#include "drivers/e2b/e2b_settings.hpp"

#include "json_fields.hpp"
#include "sbx/errors.hpp"

#include <array>

namespace sbx::drivers::e2b {
namespace {

// Domains whose sandboxes E2B's SDKs reach through the shared host sandbox.<domain>.
constexpr std::array<std::string_view, 7> shared_host_domains{
    "e2b.app", "e2b.dev", "e2b.pro", "e2b-staging.dev", "e2b-tango.dev", "e2b-juliett.dev", "foxtrot-2.e2b.dev"};

// The driver option keys load_settings reads besides detail::cloud_knob_keys.
constexpr std::string_view option_keys[]{"api_key", "domain", "api_url", "envd_url", "template", "user", "workdir"};

}  // namespace

e2b_settings load_settings(const boost::json::object& driver_options, const env_lookup& env) {
  detail::reject_unknown_driver_options(driver_options, "e2b", {option_keys, detail::cloud_knob_keys});
  const detail::json_reader read{driver_options, "e2b driver options"};
  e2b_settings s;
  s.api_key = read.optional_string("api_key").value_or(env("E2B_API_KEY").value_or(""));
  s.domain = read.optional_string("domain").value_or(env("E2B_DOMAIN").value_or("e2b.app"));
  s.api_url = read.optional_string("api_url").value_or(env("E2B_API_URL").value_or("https://api." + s.domain));
  s.envd_url = read.optional_string("envd_url");
  if (!s.envd_url) s.envd_url = env("E2B_SANDBOX_URL");
  s.template_id = read.string_or("template", "base");
  s.user = read.optional_string("user");
  const std::string home = !s.user ? "/home/user" : *s.user == "root" ? "/root" : "/home/" + *s.user;
  s.workdir = read.string_or("workdir", home);

  // E2B's documented limits (Pro): 100 concurrent sandboxes, 5 creates per second;
  // lifecycle and envd request rates are far above what these bounds allow.
  detail::cloud_knobs defaults;
  defaults.limits = {.creates_in_flight = 32, .running_sandboxes = 100, .execs_in_flight = 256,
                     .destroys_in_flight = 32, .create_rate = 5, .create_burst = 5};
  // Every exec holds a connection for its whole run: leave room for the exec limit
  // plus creates, destroys and file transfers.
  defaults.pool.max_per_host = 512;
  defaults.retry.max_attempts = 4;
  defaults.retry.base_delay = std::chrono::milliseconds(250);
  const auto knobs = detail::read_cloud_knobs(read, defaults);
  s.limits = knobs.limits;
  s.pool = knobs.pool;
  s.retry = knobs.retry;
  s.request_timeout = knobs.request_timeout;
  return s;
}

void require_api_key(const e2b_settings& settings) {
  if (settings.api_key.empty())
    throw SandboxConfigurationError("No E2B API key: set E2B_API_KEY or the driver option 'api_key'",
                                    {.backend = "e2b", .op = "start"});
}

std::string envd_base_url(const e2b_settings& settings, const std::string& sandbox_id,
                          const std::optional<std::string>& sandbox_domain) {
  if (settings.envd_url) return *settings.envd_url;
  const std::string& domain = sandbox_domain && !sandbox_domain->empty() ? *sandbox_domain : settings.domain;
  for (const auto shared : shared_host_domains)
    if (domain == shared) return "https://sandbox." + domain;
  return "https://49983-" + sandbox_id + "." + domain;
}

}  // namespace sbx::drivers::e2b
