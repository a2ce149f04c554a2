// A loopback fake of E2B: the control plane (REST with X-API-Key) and envd, the
// in-sandbox agent (Connect RPCs for processes and the file system, /files for
// content), both on one port.
//
// Reaching envd on loopback: the real service is addressed as
// https://49983-<sandboxID>.<domain> or, for E2B's own domains, as
// https://sandbox.<domain> with the headers `E2b-Sandbox-Id: <sandboxID>` and
// `E2b-Sandbox-Port: 49983` (the SDKs always send both headers). The fake serves envd
// on its own base URL and picks the sandbox from the E2b-Sandbox-Id header, else from a
// Host of the form 49983-<sandboxID>.<anything>. Point a client at it with
// E2B_API_URL=<url> and E2B_SANDBOX_URL=<url> (the Python SDK's knobs), or the sbx
// driver options {"api_url": url, "envd_url": url}.
#pragma once

#include "fakes/common/fake_main.hpp"

#include <memory>
#include <string>

namespace sbx_fake::e2b {

/// Provider settings (command line: --api-key, --envd-version).
struct e2b_options {
  std::string api_key;               // required X-API-Key value; empty: any non-empty key
  std::string envd_version = "0.5.7";  // reported in sandbox objects
};

/// What the route handlers share.
struct e2b_state {
  sandbox_registry& registry;
  e2b_options options;
};

/// The fake's definition for run_fake_main: the E2B sandbox layout (home /home/user,
/// private /tmp), its options and routes.
fake_definition e2b_definition();

/// Control plane: /sandboxes, /v2/sandboxes (create, get, list, kill, timeout, connect).
void add_control_plane(router& routes, std::shared_ptr<e2b_state> state);
/// envd process service: /process.Process/{Start,SendSignal,SendInput,CloseStdin,List}.
void add_process_service(router& routes, std::shared_ptr<e2b_state> state);
/// envd file system: /filesystem.Filesystem/{ListDir,Stat,MakeDir,Remove,Move},
/// /files (GET, POST), /health.
void add_filesystem_service(router& routes, std::shared_ptr<e2b_state> state);

}  // namespace sbx_fake::e2b
