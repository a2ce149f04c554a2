#include "drivers/tensorlake/tensorlake_settings.hpp"

#include "drivers/tensorlake/login_files.hpp"
#include "sbx/errors.hpp"

#include <boost/url/parse.hpp>

namespace sbx::drivers::tensorlake {
namespace {

std::string trimmed_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The lifecycle base for `api_url` when nothing names one (see the header).
std::string derived_lifecycle_url(const std::string& api_url, const std::string& ns) {
  const auto parsed = boost::urls::parse_uri(api_url);
  if (!parsed || !parsed->has_authority()) return "https://sandbox.tensorlake.ai";
  const std::string host(parsed->encoded_host());
  const std::string port = parsed->has_port() ? ":" + std::string(parsed->port()) : "";
  const std::string scheme(parsed->scheme());
  if (host == "localhost" || host == "127.0.0.1") return trimmed_url(api_url) + "/v1/namespaces/" + ns;
  if (host.rfind("api.", 0) == 0) return scheme + "://sandbox." + host.substr(4) + port;
  return "https://sandbox.tensorlake.ai";
}

std::optional<std::string> first_of(std::optional<std::string> a, std::optional<std::string> b) {
  return a ? a : b;
}

// The driver option keys load_settings reads besides detail::cloud_knob_keys.
constexpr std::string_view option_keys[]{"api_key",  "personal_access_token", "organization_id", "project_id",
                                         "config_dir", "api_url", "sandbox_api_url", "namespace", "proxy_url",
                                         "image", "user", "workdir", "snapshot_type", "snapshot_wait",
                                         "poll_interval_ms", "snapshot_timeout_ms"};

}  // namespace

tensorlake_settings load_settings(const boost::json::object& driver_options, const env_lookup& env,
                                  const std::optional<std::filesystem::path>& config_dir) {
  detail::reject_unknown_driver_options(driver_options, "tensorlake", {option_keys, detail::cloud_knob_keys});
  const detail::json_reader read{driver_options, "tensorlake driver options"};
  tensorlake_settings s;
  s.api_url = trimmed_url(first_of(read.optional_string("api_url"), env("TENSORLAKE_API_URL")).value_or(s.api_url));
  const auto ns = first_of(read.optional_string("namespace"), env("INDEXIFY_NAMESPACE")).value_or("default");
  s.lifecycle_url = trimmed_url(first_of(read.optional_string("sandbox_api_url"), env("TENSORLAKE_SANDBOX_API_URL"))
                                    .value_or(derived_lifecycle_url(s.api_url, ns)));
  s.proxy_url = first_of(read.optional_string("proxy_url"), env("TENSORLAKE_SANDBOX_PROXY_URL"));
  if (s.proxy_url) s.proxy_url = trimmed_url(*s.proxy_url);

  s.organization_id = first_of(read.optional_string("organization_id"), env("TENSORLAKE_ORGANIZATION_ID"));
  s.project_id = first_of(read.optional_string("project_id"), env("TENSORLAKE_PROJECT_ID"));
  if (auto key = read.optional_string("api_key")) {
    s.token = std::move(*key);
    s.credential_source = "driver option api_key";
  } else if (auto env_key = env("TENSORLAKE_API_KEY")) {
    s.token = std::move(*env_key);
    s.credential_source = "TENSORLAKE_API_KEY";
  } else if (auto pat = first_of(read.optional_string("personal_access_token"), env("TENSORLAKE_PAT"))) {
    s.token = std::move(*pat);
    s.personal_token = true;
    s.credential_source = "personal access token";
  } else {
    const auto dir = read.optional_string("config_dir");
    const auto where = dir ? std::optional<std::filesystem::path>(*dir) : config_dir;
    if (where) {
      if (auto login = find_stored_login(*where, s.api_url)) {
        s.token = std::move(login->token);
        s.personal_token = true;
        s.credential_source = "tl login: " + login->source;
        if (!s.organization_id) s.organization_id = login->organization;
        if (!s.project_id) s.project_id = login->project;
      }
    }
  }

  s.image = read.optional_string("image");
  s.user = read.optional_string("user");
  s.workdir = read.string_or("workdir", s.workdir);
  s.snapshot_type = read.string_or("snapshot_type", s.snapshot_type);
  if (s.snapshot_type != "filesystem" && s.snapshot_type != "memory")
    throw SandboxConfigurationError("tensorlake driver options: snapshot_type must be \"filesystem\" or \"memory\"");
  s.snapshot_wait = read.string_or("snapshot_wait", s.snapshot_wait);
  if (s.snapshot_wait != "local_ready" && s.snapshot_wait != "completed")
    throw SandboxConfigurationError("tensorlake driver options: snapshot_wait must be \"local_ready\" or \"completed\"");
  s.poll_interval = std::chrono::milliseconds(static_cast<long long>(read.number_or("poll_interval_ms", 500)));
  s.snapshot_timeout = std::chrono::milliseconds(static_cast<long long>(read.number_or("snapshot_timeout_ms", 300'000)));
  if (s.poll_interval.count() <= 0 || s.snapshot_timeout.count() <= 0)
    throw SandboxConfigurationError("tensorlake driver options: poll_interval_ms and snapshot_timeout_ms must be positive");

  // No published account limits: bounds that keep one harness polite. The SDK's own
  // HTTP timeout is 300 s because a blocking create waits for the VM.
  detail::cloud_knobs defaults;
  defaults.limits.running_sandboxes = 100;
  defaults.limits.creates_in_flight = 32;
  defaults.limits.create_rate = 5;
  defaults.limits.create_burst = 5;
  defaults.limits.execs_in_flight = 256;
  defaults.limits.destroys_in_flight = 32;
  defaults.pool.max_per_host = 512;
  defaults.pool.max_total = 576;
  defaults.retry.max_attempts = 4;
  defaults.retry.base_delay = std::chrono::milliseconds(250);
  defaults.request_timeout = std::chrono::milliseconds(300'000);
  s.knobs = detail::read_cloud_knobs(read, defaults);
  return s;
}

void require_token(const tensorlake_settings& settings) {
  if (settings.token.empty())
    throw SandboxConfigurationError(
        "No Tensorlake credentials: set TENSORLAKE_API_KEY (or the driver option 'api_key'), TENSORLAKE_PAT, "
        "or run `tl login`",
        {.backend = "tensorlake", .op = "start"});
}

}  // namespace sbx::drivers::tensorlake
