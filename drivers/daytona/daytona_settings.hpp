// Everything the Daytona driver is configured with, from ClientOptions::driver_options
// and the environment variables of Daytona's own SDKs.
//
// driver_options keys (all optional):
//   "api_key"     Daytona API key; else $DAYTONA_API_KEY
//   "api_url"     REST API base URL; else $DAYTONA_API_URL, else https://app.daytona.io/api
//   "target"      region of new sandboxes ("us", "eu"); else $DAYTONA_TARGET, else the
//                 organization's default (the field is left out)
//   "snapshot"    Daytona snapshot new sandboxes start from when neither
//                 CreateOptions::template_name nor image is set; default: Daytona's
//   "workdir"     the sandbox directory relative paths start from; default /home/daytona
//   "poll_interval_ms"   longest wait between two polls of a running command (250)
//   "max_running", "max_creates_in_flight", "create_rate", "create_burst",
//   "max_execs_in_flight", "max_destroys_in_flight"   admission limits (0: unlimited)
//   "max_connections"   connections per host of the driver's pool
//   "retry_attempts", "retry_base_delay_ms"   retry policy of every request
//   "request_timeout_ms"   deadline of one API or toolbox request
#pragma once

#include "cloud_settings.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace sbx::drivers::daytona {

using detail::env_lookup;
using detail::process_environment;

/// Resolved settings of one Daytona client.
struct daytona_settings {
  std::string api_key;  // a secret: never logged, never put into errors
  std::string api_url = "https://app.daytona.io/api";
  std::optional<std::string> target;
  std::optional<std::string> snapshot;
  std::string workdir = "/home/daytona";
  std::chrono::milliseconds poll_interval{250};
  detail::cloud_knobs knobs;
};

/// Settings from `driver_options` over the environment over the defaults. The
/// admission defaults follow Daytona's published Tier 1 limits (300 sandbox creations
/// per minute). Throws SandboxConfigurationError naming a key of the wrong type. A
/// missing API key is not an error here (see require_api_key).
daytona_settings load_settings(const boost::json::object& driver_options, const env_lookup& env);

/// Throws SandboxConfigurationError when no API key is configured.
void require_api_key(const daytona_settings& settings);

}  // namespace sbx::drivers::daytona
