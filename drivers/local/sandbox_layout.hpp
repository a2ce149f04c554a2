// Where local sandboxes live on the host: sandbox <id> is the directory <base>/<id>
// (its pieces: sandbox_dir.hpp), which appears whole, record included, by one rename
// that cannot replace another (so the rename reserves the id), and whose record is
// removed last, so a sweep finds whatever a crash may leave. A driver recycles the
// directories of destroyed sandboxes through its spare_pool (spare_pool.hpp), so a
// steady fan-out allocates no inodes. Names starting with '.' are not sandboxes.
#pragma once

#include "drivers/local/sandbox_dir.hpp"
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

  std::filesystem::path dir() const { return base / id; }
  std::filesystem::path own_workdir() const { return dir() / sandbox_dir::work_name; }
  std::filesystem::path tmp() const { return dir() / sandbox_dir::tmp_name; }
  std::filesystem::path record() const { return dir() / sandbox_dir::record_name; }
};

/// What a sweep needs to know about a sandbox.
struct owner_record {
  env_map labels;  // the owner labels (sbx.pid, sbx.host, ...) and the caller's labels
  std::optional<std::chrono::system_clock::time_point> deadline;  // end of its lifetime

  /// True when the owner process is gone (on this host) or the deadline passed.
  bool orphaned() const;
};

/// Creates a sandbox under `base` with a new random id, private to this user, through
/// `spares` (which reuses a spare directory when it can). Throws std::system_error.
sandbox_paths create_sandbox(const std::filesystem::path& base, const owner_record& owner, spare_pool& spares);

/// Removes the sandbox's directory; with `spares`, it is emptied and kept there
/// instead. Nothing missing is an error. Returns the first failure; the record then
/// stays, so a later destroy or sweep can finish the job.
std::error_code remove_sandbox(const sandbox_paths& paths, spare_pool* spares = nullptr) noexcept;

/// A sandbox found under the base directory.
struct found_sandbox {
  sandbox_paths paths;
  owner_record owner;
};

/// Every sandbox under `base` whose owner record can be read.
std::vector<found_sandbox> find_sandboxes(const std::filesystem::path& base);

}  // namespace sbx::drivers::local
