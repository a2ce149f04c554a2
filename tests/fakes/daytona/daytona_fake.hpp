// A loopback fake of Daytona: the REST API under /api (sandboxes) and every sandbox's
// toolbox under /toolbox/<sandboxId>/ (processes, sessions, files), both on one port.
//
// Daytona's SDKs reach the toolbox at <toolboxProxyUrl>/<sandboxId>/<endpoint>, with
// toolboxProxyUrl taken from the sandbox object; the fake reports <its url>/toolbox, so
// clients pointed at <its url>/api (DAYTONA_API_URL, or the sbx driver option
// "api_url") find the toolbox by themselves.
#pragma once

#include "fakes/common/fake_main.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace sbx_fake::daytona {

/// Provider settings (command line: --api-key, --start-delay-ms).
struct daytona_options {
  std::string api_key;                     // the only Bearer token accepted; empty: any
  std::chrono::milliseconds start_delay{0};  // how long a new sandbox stays "creating"
};

/// A command started in a session.
struct session_command {
  std::string id;
  std::string command;
  std::optional<int> exit_code;  // set once it ended
  int pid = 0;                   // its process group (0 in echo mode)
};

/// A shell session: its commands by id.
using shell_session = std::map<std::string, std::shared_ptr<session_command>>;

/// What the route handlers share.
struct daytona_state {
  sandbox_registry& registry;
  daytona_options options;
  std::string toolbox_url;  // <server url>/toolbox
  std::map<std::string, std::map<std::string, shell_session>> sessions;  // sandbox id -> session id -> session
};
using state_ptr = std::shared_ptr<daytona_state>;

/// The fake's definition for run_fake_main: the Daytona layout (home /home/daytona,
/// private /tmp), its options, its 429 headers (Retry-After-<bucket> and
/// X-RateLimit-*-<bucket>) and routes.
fake_definition daytona_definition();

/// REST API: /api/sandbox (create, list), /api/sandbox/{id} (get, delete),
/// /api/sandbox/{id}/toolbox-proxy-url.
void add_api(router& routes, state_ptr state);
/// Toolbox processes: /process/execute, /process/code-run, /process/session/...
void add_toolbox_process(router& routes, state_ptr state);
/// Toolbox files: /files, /files/info, /files/download, /files/bulk-download,
/// /files/upload, /files/bulk-upload, /files/folder.
void add_toolbox_files(router& routes, state_ptr state);

/// The route pattern of toolbox endpoint `endpoint` ("/process/execute").
std::string toolbox_route(std::string_view endpoint);

/// Checks the Bearer token of `ex`. Throws http_error 401 (in the API's or the
/// toolbox's error shape) when it is missing or not the configured key.
void authenticate(const daytona_state& state, const exchange& ex, bool toolbox);

/// The API's error answer: {"path","timestamp","statusCode","error","message"}.
http_error api_error(const exchange& ex, unsigned status, std::string message);
/// The toolbox's error answer: {"statusCode","message","code","timestamp","path","method"}.
http_error toolbox_error(const exchange& ex, unsigned status, std::string message);

/// The sandbox a toolbox request is for (route parameter "sandbox"), after checking the
/// token; counts as activity (its auto-stop restarts). Throws http_error 404 when it
/// does not exist.
std::shared_ptr<fake_sandbox> toolbox_sandbox(daytona_state& state, const exchange& ex);

/// The request body as a JSON object. Throws toolbox_error/api_error 400 otherwise.
boost::json::object json_body(exchange& ex, bool toolbox);

}  // namespace sbx_fake::daytona
