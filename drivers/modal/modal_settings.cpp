#include "drivers/modal/modal_settings.hpp"

#include "cloud_settings.hpp"
#include "driver_option_keys.hpp"
#include "json_fields.hpp"
#include "sbx/errors.hpp"

namespace sbx::drivers::modal {
namespace {

// The driver option keys load_settings reads besides detail::cloud_knob_keys.
constexpr std::string_view option_keys[]{"token_id", "token_secret",          "server_url", "environment",
                                         "app_name", "image_builder_version", "image",      "workdir"};

}  // namespace

modal_settings load_settings(const boost::json::object& driver_options, const detail::env_lookup& env) {
  detail::reject_unknown_driver_options(driver_options, "modal", {option_keys, detail::cloud_knob_keys});
  const detail::json_reader read{driver_options, "modal driver options"};
  modal_settings s;
  s.token_id = read.optional_string("token_id").value_or(env("MODAL_TOKEN_ID").value_or(""));
  s.token_secret = read.optional_string("token_secret").value_or(env("MODAL_TOKEN_SECRET").value_or(""));
  s.server_url = read.optional_string("server_url").value_or(env("MODAL_SERVER_URL").value_or(s.server_url));
  s.environment = read.optional_string("environment").value_or(env("MODAL_ENVIRONMENT").value_or(""));
  s.app_name = read.string_or("app_name", s.app_name);
  s.image = read.string_or("image", s.image);
  s.image_builder_version = read.optional_string("image_builder_version")
                                .value_or(env("MODAL_IMAGE_BUILDER_VERSION").value_or(s.image_builder_version));
  s.workdir = read.string_or("workdir", s.workdir);
  // Modal documents no per-second create limit for sandboxes; these bounds keep one
  // client from flooding the control plane.
  detail::cloud_knobs defaults;
  defaults.limits.running_sandboxes = 1000;
  defaults.limits.creates_in_flight = 32;
  defaults.limits.create_rate = 10;
  defaults.limits.create_burst = 10;
  defaults.limits.execs_in_flight = 512;
  defaults.limits.destroys_in_flight = 32;
  defaults.retry.max_attempts = 4;
  defaults.retry.base_delay = std::chrono::milliseconds(100);
  defaults.request_timeout = std::chrono::milliseconds(60'000);
  s.knobs = detail::read_cloud_knobs(read, defaults);
  return s;
}

void require_credentials(const modal_settings& settings) {
  if (settings.token_id.empty() || settings.token_secret.empty())
    throw SandboxConfigurationError(
        "No Modal credentials: set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET or the driver options "
        "'token_id' and 'token_secret'",
        {.backend = "modal", .op = "start"});
}

}  // namespace sbx::drivers::modal
