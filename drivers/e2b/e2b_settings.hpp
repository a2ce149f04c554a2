// Everything the E2B driver is configured with, from ClientOptions::driver_options and
// the environment variables of E2B's own SDKs.
//
// driver_options keys (all optional):
//   "api_key"      E2B API key; else $E2B_API_KEY
//   "domain"       E2B domain; else $E2B_DOMAIN, else "e2b.app"
//   "api_url"      control plane base URL; else $E2B_API_URL, else https://api.<domain>
//   "envd_url"     one base URL for every sandbox's envd (requests carry E2b-Sandbox-Id
//                  and E2b-Sandbox-Port); else $E2B_SANDBOX_URL; else per sandbox:
//                  https://sandbox.<domain> for E2B's own domains, otherwise
//                  https://49983-<sandboxID>.<domain>
//   "template"     template when CreateOptions::template_name is unset; default "base"
//   "user"         Linux user for commands and files (default: the template's user)
//   "workdir"      the sandbox directory relative paths start from; default the user's
//                  home: /home/<user> ("/root" for root), /home/user when no user is set
//   "max_running", "max_creates_in_flight", "create_rate", "create_burst",
//   "max_execs_in_flight", "max_destroys_in_flight"   admission limits (0: unlimited)
//   "max_connections"   connections per host of the driver's pool
//   "retry_attempts", "retry_base_delay_ms"   retry policy of every request
//   "request_timeout_ms"   deadline of one control-plane or file request
#pragma once

#include "cloud_settings.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace sbx::drivers::e2b {

/// Resolved settings of one E2B client.
struct e2b_settings {
  std::string api_key;  // a secret: never logged, never put into errors
  std::string domain = "e2b.app";
  std::string api_url;
  std::optional<std::string> envd_url;
  std::string template_id = "base";
  std::optional<std::string> user;
  std::string workdir = "/home/user";
  http::admission_limits limits;
  http::pool_options pool;
  http::retry_policy retry;
  std::chrono::milliseconds request_timeout{60'000};
};

using detail::env_lookup;
using detail::process_environment;

/// Settings from `driver_options` over the environment over the defaults. The
/// admission defaults follow E2B's documented limits (Pro tier: 100 concurrent
/// sandboxes, 5 creates per second). Throws SandboxConfigurationError naming a key of
/// the wrong type. A missing API key is not an error here (see require_api_key).
e2b_settings load_settings(const boost::json::object& driver_options, const env_lookup& env);

/// Throws SandboxConfigurationError when no API key is configured.
void require_api_key(const e2b_settings& settings);

/// The envd base URL of a sandbox (see "envd_url" above); `sandbox_domain` is the
/// domain of the sandbox object, falling back to the client's.
std::string envd_base_url(const e2b_settings& settings, const std::string& sandbox_id,
                          const std::optional<std::string>& sandbox_domain);

}  // namespace sbx::drivers::e2b
