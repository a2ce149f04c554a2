// Everything the Tensorlake driver is configured with, from ClientOptions::driver_options,
// the environment variables of Tensorlake's SDK and CLI, and the CLI's stored login.
//
// driver_options keys (all optional):
//   "api_key"          project API key; else $TENSORLAKE_API_KEY
//   "personal_access_token"  a PAT; else $TENSORLAKE_PAT; else the `tl login` files
//                      (see login_files.hpp). A PAT is sent with the organization and
//                      project headers.
//   "organization_id", "project_id"  PAT scope; else $TENSORLAKE_ORGANIZATION_ID /
//                      $TENSORLAKE_PROJECT_ID; else the stored login's
//   "config_dir"       where the `tl login` files are; default ~/.config/tensorlake
//   "api_url"          else $TENSORLAKE_API_URL, else https://api.tensorlake.ai
//   "sandbox_api_url"  base of the lifecycle API (/sandboxes, /snapshots); else
//                      $TENSORLAKE_SANDBOX_API_URL; else api_url with its leading "api."
//                      host label replaced by "sandbox."; for a localhost api_url the local
//                      server's <api_url>/v1/namespaces/<namespace>; else
//                      https://sandbox.tensorlake.ai
//   "namespace"        local-server namespace; else $INDEXIFY_NAMESPACE, else "default"
//   "proxy_url"        one base URL for every sandbox's management API (requests carry
//                      X-Tensorlake-Sandbox-Id); else $TENSORLAKE_SANDBOX_PROXY_URL; else
//                      the sandbox_url the server returns
//   "image"            image when CreateOptions::image is unset (default: Tensorlake's)
//   "user"             user commands run as (default: the image's)
//   "workdir"          directory relative paths start from; default /tmp
//   "snapshot_type"    "filesystem" (default) or "memory"
//   "snapshot_wait"    "local_ready" (default: restorable) or "completed" (durable)
//   "poll_interval_ms" sandbox and snapshot status polls; default 500
//   "snapshot_timeout_ms"  how long snapshot() waits; default 300000
//   "max_running", "max_creates_in_flight", "create_rate", "create_burst",
//   "max_execs_in_flight", "max_destroys_in_flight", "max_connections",
//   "retry_attempts", "retry_base_delay_ms", "request_timeout_ms"  (see cloud_settings.hpp)
#pragma once

#include "cloud_settings.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace sbx::drivers::tensorlake {

using detail::env_lookup;
using detail::process_environment;

/// Resolved settings of one Tensorlake client.
struct tensorlake_settings {
  std::string token;                 // bearer token, a secret: never logged or put in errors
  bool personal_token = false;       // a PAT: send the scope headers
  std::string credential_source;     // where the token came from (no secret)
  std::optional<std::string> organization_id;
  std::optional<std::string> project_id;
  std::string api_url = "https://api.tensorlake.ai";
  std::string lifecycle_url;
  std::optional<std::string> proxy_url;
  std::optional<std::string> image;
  std::optional<std::string> user;
  std::string workdir = "/tmp";
  std::string snapshot_type = "filesystem";
  std::string snapshot_wait = "local_ready";
  std::chrono::milliseconds poll_interval{500};
  std::chrono::milliseconds snapshot_timeout{300'000};
  detail::cloud_knobs knobs;
};

/// Settings from `driver_options` over the environment over the stored login over the
/// defaults. `config_dir` is where the `tl login` files are looked for when the options
/// name none (nullopt: no stored login). Throws SandboxConfigurationError naming a key
/// of the wrong type or a bad value. A missing token is not an error here (see
/// require_token).
tensorlake_settings load_settings(const boost::json::object& driver_options, const env_lookup& env,
                                  const std::optional<std::filesystem::path>& config_dir);

/// Throws SandboxConfigurationError when no token is configured.
void require_token(const tensorlake_settings& settings);

}  // namespace sbx::drivers::tensorlake
