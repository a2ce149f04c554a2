// The Modal messages the driver sends and the answers it interprets, as pure
// functions (unit-tested without a server): the sandbox definition, exec starts, exit
// statuses, and the JSON of Modal's in-sandbox file helper (modal-sandbox-fs-tools).
#pragma once

#include "modal_api.pb.h"
#include "task_command_router.pb.h"

#include "sbx/options.hpp"
#include "sbx/types.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::modal {

namespace api = ::modal::client;
namespace router = ::modal::task_command_router;

/// The tag that identifies one create call, so that an ambiguous failure can be
/// resolved by listing sandboxes.
inline constexpr const char* tag_create_nonce = "sbx.create_nonce";

/// Modal's helper binary for file operations inside every sandbox.
inline constexpr const char* fs_tools_path = "/__modal/.bin/modal-sandbox-fs-tools";

/// The one Dockerfile command of a registry image: "FROM <tag>" (what Modal's Go and
/// JS SDKs send).
std::string registry_dockerfile(const std::string& image);

/// What a sandbox is created from besides the options.
struct sandbox_inputs {
  std::string app_id;
  std::string image_id;
  std::vector<std::string> secret_ids;  // the env_vars secret, when there are env vars
  std::string workdir;
  env_map tags;  // labels plus the create nonce
};

/// SandboxCreate for `options`: entrypoint `sleep <lifetime + 60>` (the sandbox idles
/// until terminated or its timeout_secs, the lifetime backstop, ends it), milli_cpu =
/// cpu * 1000, memory_mb, gpu (count and type), block_network and network_access
/// BLOCKED when allow_internet is false (OPEN otherwise), and the tags.
api::SandboxCreateRequest sandbox_create_request(const ResolvedOptions& options, const sandbox_inputs& inputs);

/// Merges `backend_options` (the proto3 JSON form of a Sandbox definition, e.g.
/// {"timeoutSecs": 60, "resources": {"milliCpu": 250}}) into `definition`: set fields
/// replace, repeated fields append. Only fields of the trimmed proto are known. Throws
/// std::invalid_argument naming what protobuf rejected.
void merge_backend_options(api::Sandbox& definition, const boost::json::object& backend_options);

/// TaskExecStart for `argv` with stdout and stderr piped separately, `env` for this
/// command only, the working directory `cwd` (when not empty) and, for a timeout, a
/// server-side timeout_secs of the timeout rounded up plus `grace`.
router::TaskExecStartRequest exec_start_request(const std::string& task_id, const std::string& exec_id,
                                                const std::vector<std::string>& argv, const env_map& env,
                                                const std::string& cwd,
                                                std::optional<std::chrono::milliseconds> timeout,
                                                std::chrono::seconds grace);

/// The exit code of a finished exec: `code`, or 128 + `signal`; nullopt while running.
std::optional<int> exit_code_of(const router::TaskExecWaitResponse& wait);

/// A random exec id in UUID form (Modal's SDKs use UUID4; it is the idempotency key of
/// TaskExecStart).
std::string new_exec_id();

/// The argv of one fs-tools operation: {fs_tools_path, <json>}, e.g.
/// {"ReadFile":{"path":"/x"}}. `extra` adds boolean flags ("parents", "recursive").
std::vector<std::string> fs_tools_command(std::string_view operation, const std::string& path,
                                          std::optional<std::pair<std::string_view, bool>> extra = std::nullopt);

/// The entries of a ListFiles answer (a JSON array; `path` and `type` of each, `size`
/// for files). Throws std::invalid_argument for malformed JSON.
std::vector<FileInfo> parse_fs_entries(std::string_view json);

/// An fs-tools failure: {error_kind, message} from its stderr JSON (the raw stderr as
/// message when it is not JSON).
struct fs_error {
  std::string kind;
  std::string message;
};
fs_error parse_fs_error(std::string_view stderr_text);

/// True for a sandbox or task result that means it ended (any status but unspecified).
bool has_ended(const api::GenericResult& result);

}  // namespace sbx::drivers::modal
