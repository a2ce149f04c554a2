// Options for creating sandboxes and clients.
#pragma once

#include "sbx/types.hpp"
#include "sbx/workspace.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sbx {

/// Everything a sandbox is created with. Every parameter of the Python original keeps
/// its name and meaning (`template` is spelled `template_name`, a C++ keyword aside);
/// unset optionals take the preset's value, then the documented default.
struct CreateOptions {
  std::optional<std::string> preset;        // built-in or registered preset name
  std::optional<double> cpu;                // vCPUs; default 1.0
  std::optional<int> memory_mb;             // default 1024
  std::optional<int> disk_mb;               // provider default when unset
  std::optional<int> timeout_secs;          // sandbox lifetime; default 600
  std::optional<std::string> image;         // OCI image (docker, daytona, modal, ...)
  std::optional<std::string> template_name; // provider template (e2b)
  env_map env_vars;                         // merged over the preset's env_vars
  std::optional<bool> allow_internet;       // default true; false is enforced or refused
  std::optional<std::string> app_name;      // modal app
  std::optional<std::string> snapshot_id;   // start from a snapshot
  std::optional<std::string> workdir;       // local/bwrap: host dir used (and kept)
  boost::json::object backend_options;      // merged last into the provider's create call
  std::vector<std::pair<std::string, std::string>> files;  // path → content, in order
  std::optional<std::string> git_repo;      // cloned first, into the repo's base name
  std::optional<std::string> git_ref;
  Manifest workspace;                       // applied after files

  // Beyond the original:
  std::optional<int> gpu;                   // GPU count
  std::optional<std::string> gpu_type;
  env_map labels;                           // provider labels/metadata, plus owner labels
  std::optional<std::chrono::milliseconds> create_timeout;  // default: client's
};

/// The options after preset resolution: what drivers see.
struct ResolvedOptions {
  double cpu = 1.0;
  int memory_mb = 1024;
  std::optional<int> disk_mb;
  int timeout_secs = 600;
  std::optional<std::string> image;
  std::optional<std::string> template_name;
  env_map env_vars;
  bool allow_internet = true;
  std::optional<std::string> app_name;
  std::optional<std::string> snapshot_id;
  std::optional<std::string> workdir;
  boost::json::object backend_options;
  std::optional<int> gpu;
  std::optional<std::string> gpu_type;
  env_map labels;  // user labels plus the owner labels (see owner_labels())
  std::chrono::milliseconds create_timeout{std::chrono::minutes(5)};
};

/// Per-client settings. Defaults suit a harness on one machine; drivers document the
/// keys they read from `driver_options` and the environment variables they honour. A
/// key the backend does not read is refused (SandboxConfigurationError naming it and
/// the valid keys) when the client is made.
struct ClientOptions {
  std::optional<std::chrono::milliseconds> exec_timeout;  // default for exec; unset: none
  std::chrono::milliseconds create_timeout{std::chrono::minutes(5)};
  boost::json::object driver_options;  // e.g. {"api_url": "...", "api_key": "..."}
};

}  // namespace sbx
