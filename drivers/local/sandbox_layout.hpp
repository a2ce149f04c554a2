// Where local sandboxes live on the host. Under the base directory, sandbox <id> is:
//
//   <base>/<id>/             its workdir (also HOME and SANDBOX_ROOT), unless the
//                            caller chose a workdir of its own, which is then kept
//   <base>/<id>.tmp/         TMPDIR, and the library's scratch files
//   <base>/<id>.owner.json   the owner record: owner labels and deadline
//
// The record and TMPDIR sit beside the workdir, never in its listing. The record is
// written first (creating it reserves the id) and removed last, so a sweep finds
// every piece a crash may leave. Two directories per sandbox is the minimum: on
// filesystems that discard freed blocks, every directory removed costs an I/O.
// A driver recycles the pieces of destroyed sandboxes through its spare_pool
// (spare_pool.hpp), so a steady fan-out allocates no inodes.
#pragma once

#include "drivers/local/spare_pool.hpp"
#include "sbx/types.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace sbx::drivers::local {

/// The base directory: the driver option "root", else $SBX_LOCAL_ROOT, else
/// ${TMPDIR:-/tmp}/sbx-local. It is created with the first sandbox.
std::filesystem::path base_directory(const boost::json::object& driver_options);

/// The host paths of sandbox `id`.
struct sandbox_paths {
  std::filesystem::path base;
  std::string id;

  std::filesystem::path own_workdir() const { return base / id; }
  std::filesystem::path tmp() const { return base / (id + ".tmp"); }
  std::filesystem::path record() const { return base / (id + ".owner.json"); }
};

/// What a sweep needs to know about a sandbox.
struct owner_record {
  env_map labels;  // the owner labels (sbx.pid, sbx.host, ...) and the caller's labels
  std::optional<std::chrono::system_clock::time_point> deadline;  // end of its lifetime

  /// True when the owner process is gone (on this host) or the deadline passed.
  bool orphaned() const;
};

/// Creates a sandbox under `base` with a new random id: its owner record, its tmp
/// directory and, when `own_workdir`, its workdir (all private to this user), reusing
/// `spares` where it can. Throws std::system_error, after removing whatever it created.
sandbox_paths create_sandbox(const std::filesystem::path& base, const owner_record& owner,
                             bool own_workdir, spare_pool& spares);

/// Removes the sandbox's own workdir (if any) and tmp directory, then its record;
/// with `spares`, they are emptied and kept there instead. Nothing missing is an
/// error. Returns the first failure; the record then stays, so a later destroy or
/// sweep can finish the job.
std::error_code remove_sandbox(const sandbox_paths& paths, spare_pool* spares = nullptr) noexcept;

/// A sandbox found under the base directory.
struct found_sandbox {
  sandbox_paths paths;
  owner_record owner;
};

/// Every sandbox under `base` whose owner record can be read.
std::vector<found_sandbox> find_sandboxes(const std::filesystem::path& base);

}  // namespace sbx::drivers::local
