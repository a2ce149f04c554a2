// A loopback fake of Tensorlake: the lifecycle API (sandboxes, snapshots; flat paths as
// on sandbox.tensorlake.ai and the local server's /v1/namespaces/{ns}/... paths, which
// the official SDK uses for a localhost API URL) and each sandbox's management API
// (process run stream over SSE, process kill, files), all on one port.
//
// Reaching a sandbox on loopback: every sandbox's sandbox_url is the fake's own base
// URL; the sandbox is picked from X-Tensorlake-Sandbox-Id (which Tensorlake's clients
// send on every proxy request), else from a Host of the form <sandbox-id>.<anything>
// (the SDK's local-server form "<id>.local").
//
// Modelled behaviour: a blocking create answers "running"; the image
// "sbx-fake/missing" ends "terminated" (ImageNotFound); names are unique (409); at the
// end of timeout_secs a named sandbox is suspended (its processes killed, its
// management API answers 409 SANDBOX_NOT_READY), an unnamed one is terminated; process
// output is reported line by line as UTF-8 text (invalid bytes become U+FFFD, the
// newline and a CR before it removed), as the real management API does.
#pragma once

#include "fakes/common/fake_main.hpp"

#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace sbx_fake::tensorlake {

/// Provider settings (command line: --api-key).
struct tensorlake_options {
  std::string api_key;  // required bearer token; empty: any non-empty token
};

/// A snapshot: a copy of a sandbox's writable directories.
struct fake_snapshot {
  std::string id;
  std::string sandbox_id;
  std::string type;
  std::string status = "in_progress";
  std::string created_at;
  std::filesystem::path dir;
};

/// What the route handlers share.
struct tensorlake_state {
  sandbox_registry& registry;
  tensorlake_options options;
  std::filesystem::path snapshot_root;
  std::map<std::string, fake_snapshot> snapshots;
  std::map<std::string, std::shared_ptr<boost::asio::steady_timer>> lifetimes;  // by sandbox id
};

using state_ptr = std::shared_ptr<tensorlake_state>;

/// The fake's definition for run_fake_main: the sandbox layout (home /root, private
/// /root and /tmp), its options and routes.
fake_definition tensorlake_definition();

/// Lifecycle: /sandboxes, /snapshots (and the same under /v1/namespaces/{ns}).
void add_lifecycle(router& routes, state_ptr state);
/// Management API: /api/v1/processes/run, /api/v1/processes/{pid}, /api/v1/files,
/// /api/v1/files/list, /api/v1/health.
void add_management(router& routes, state_ptr state);

/// Throws 401 unless the request carries the accepted bearer token.
void authenticate(const tensorlake_state& state, const exchange& ex);
/// An error answer {"error": message, "code": code}.
http_error api_error(unsigned status, std::string message, std::string code = {});
/// The host path that holds sandbox path `path` for the file API: a private mount,
/// else the sandbox's root overlay (files written outside the mounts; commands do not
/// see them).
std::filesystem::path file_path(const fake_sandbox& sandbox, const std::string& path);

}  // namespace sbx_fake::tensorlake
