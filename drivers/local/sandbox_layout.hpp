// Where local sandboxes live on the host, and how one is laid out:
//
//   <base>/<id>/             the sandbox directory, removed on destroy and by sweep
//   <base>/<id>/owner.json   the owner record: owner labels and deadline
//   <base>/<id>/tmp/         TMPDIR, and the library's scratch files
//   <base>/<id>/work/        the workdir (also HOME and SANDBOX_ROOT), unless the
//                            caller chose a workdir of its own, which is then kept
//
// The record and tmp/ sit beside work/ so that they never show in its listing.
#pragma once

#include "sbx/types.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <optional>

namespace sbx::drivers::local {

/// The base directory: the driver option "root", else $SBX_LOCAL_ROOT, else
/// ${TMPDIR:-/tmp}/sbx-local. It is created when the first sandbox is.
std::filesystem::path base_directory(const boost::json::object& driver_options);

/// What a sweep needs to know about a sandbox.
struct owner_record {
  env_map labels;  // the owner labels (sbx.pid, sbx.host, ...) and the caller's labels
  std::optional<std::chrono::system_clock::time_point> deadline;  // end of its lifetime

  /// True when the owner process is gone (on this host) or the deadline passed.
  bool orphaned() const;
};

/// Creates a new sandbox directory under `base` (mode 0700, unique random id) with its
/// owner record and tmp/. Returns its path. Throws std::system_error.
std::filesystem::path create_sandbox_dir(const std::filesystem::path& base, const owner_record& owner);

/// The owner record of the sandbox directory `dir`; nullopt when it is missing or
/// unreadable (a directory being created, or not a sandbox).
std::optional<owner_record> read_owner_record(const std::filesystem::path& dir);

inline std::filesystem::path work_dir(const std::filesystem::path& dir) { return dir / "work"; }
inline std::filesystem::path tmp_dir(const std::filesystem::path& dir) { return dir / "tmp"; }

}  // namespace sbx::drivers::local
