// The Tensorlake wire formats the driver speaks, as pure functions: lifecycle JSON
// (sandbox and snapshot objects, the create body), the owner-carrying sandbox names,
// and the management API's process events and directory entries. Parsers throw
// std::invalid_argument naming what is wrong; callers turn that into the sbx error of
// their operation.
#pragma once

#include "sbx/options.hpp"
#include "sbx/types.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::tensorlake {

/// Every sandbox this library creates is named "sbx-<host hash>-<pid>-<expiry>-<nonce>":
/// Tensorlake has no labels or metadata, and the name is the one field a list shows
/// and a lookup accepts (GET /sandboxes/{id_or_name}).
inline constexpr std::string_view name_prefix = "sbx-";

/// A new sandbox name for this process, expiring `lifetime` from now.
std::string owner_name(std::chrono::seconds lifetime);
/// The owner labels (sbx.library, sbx.host, sbx.pid, sbx.expires_at) encoded in a
/// name made by owner_name; nullopt for other names. The host is this machine's name
/// when the hash matches it, else "other:<hash>".
std::optional<env_map> owner_of(std::string_view name);

/// A sandbox as the lifecycle API describes it (create answers and SandboxInfo).
struct sandbox_record {
  std::string sandbox_id;
  std::string status;  // pending, running, snapshotting, suspending, suspended, terminated, timeout, failed
  std::optional<std::string> name;
  std::optional<std::string> sandbox_url;
  std::optional<std::string> routing_hint;
  std::string reason;  // termination_reason / reason / error_details, for messages
};

/// Parses a sandbox object ("sandbox_id" or "id", "status" or "state").
sandbox_record parse_sandbox(const boost::json::value& value);
/// Parses {"sandboxes": [...]}.
std::vector<sandbox_record> parse_sandbox_list(const boost::json::value& value);

/// The body of POST /sandboxes: image, resources (cpus, memory_mb, disk_mb, gpus;
/// omitted for a snapshot restore, which inherits them), timeout_secs (the lifetime
/// backstop), network (only when internet access is off), snapshot_id, the owner
/// `name`, auto_resume=false (a suspended sandbox is not woken by traffic); then every
/// key of options.backend_options, which wins.
boost::json::object create_body(const ResolvedOptions& options, const std::optional<std::string>& image,
                                const std::string& name);

/// A snapshot as GET /snapshots/{id} describes it.
struct snapshot_record {
  std::string snapshot_id;
  std::string status;  // in_progress, local_ready, completed, failed, ...
  std::optional<std::string> created_at;
  std::string error;
};
snapshot_record parse_snapshot(const boost::json::value& value);

/// Percent-encodes `text` for a URL path segment or query value.
std::string url_encode(std::string_view text);

/// The body of POST /api/v1/processes/run.
boost::json::object run_request(const std::vector<std::string>& argv, const env_map& env, const std::string& cwd,
                                std::optional<std::chrono::seconds> timeout, const std::optional<std::string>& user);

/// One event of a run stream (the JSON in an SSE data field).
struct run_event {
  enum class kind { start, output, exit, other };
  kind type = kind::other;
  int pid = 0;                                    // start
  output_stream stream = output_stream::std_out;  // output
  std::string line;                               // output
  std::optional<int> exit_code;                   // exit: exit_code, or 128 + signal
  bool timed_out = false;                         // exit: reason "timed_out"
};

/// Parses one event the way the SDK does: "line" → output, "exit_code"/"signal" →
/// exit, "pid" → start; anything else (heartbeats) is `other`. Throws for non-JSON.
run_event parse_run_event(std::string_view data);

/// The entries of GET /api/v1/files/list as full paths under `dir`.
std::vector<FileInfo> parse_listing(const boost::json::value& value, const std::string& dir);

}  // namespace sbx::drivers::tensorlake
