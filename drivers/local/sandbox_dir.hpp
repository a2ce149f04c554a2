// One local sandbox's directory on the host, and what the driver does to it:
//
//   <dir>/owner.json   the owner record: owner labels and deadline
//   <dir>/work/        the workdir (HOME, SANDBOX_ROOT), unless the caller chose its own
//   <dir>/tmp/         TMPDIR, and the library's scratch files
//
// One directory per sandbox, because moving a sandbox in or out of the spare pool
// (spare_pool.hpp) is then one rename. The record and tmp/ sit beside the workdir, never
// in its listing. Commands run on the host and may replace any piece with a symlink, so
// every operation here works on open descriptors or refuses to follow symlinks. Linux.
#pragma once

#include "process/unique_fd.hpp"

#include <filesystem>
#include <string_view>
#include <system_error>

namespace sbx::drivers::local::sandbox_dir {

inline constexpr const char* record_name = "owner.json";
inline constexpr const char* work_name = "work";
inline constexpr const char* tmp_name = "tmp";

/// Opens the directory `path` itself, never a symlink to one. Invalid, with errno
/// set, when it is missing, not a directory or a symlink.
process::unique_fd open(const std::filesystem::path& path) noexcept;

/// Makes `path` a new sandbox directory, private to this user, whose owner.json holds
/// `record`. Throws std::system_error (ENOENT when the parent is missing, EEXIST when
/// `path` exists), after removing what it made.
void make(const std::filesystem::path& path, std::string_view record);

/// True when the open directory `dir` is this user's; it is then made mode 0700 if
/// it was not. A directory of someone else's must be left alone.
bool is_own(int dir) noexcept;

/// True when the open directory `dir` holds exactly a regular owner.json and two
/// empty directories of this user's, work/ and tmp/, which are then made mode 0700 if
/// they were not (false also when it cannot be read).
bool is_pristine(int dir) noexcept;

/// Replaces the owner record of the open sandbox directory `dir` with `record`
/// (overwritten in place, then cut to length). False on failure.
bool rewrite_record(int dir, std::string_view record) noexcept;

/// rewrite_record() for the sandbox directory at `path`.
bool rewrite_record(const std::filesystem::path& path, std::string_view record) noexcept;

/// Removes everything inside work/ and tmp/ of the sandbox directory at `path`, open
/// as `dir`, and makes them mode 0700 again. False when either is missing, not a
/// directory (a symlink, say) or not this user's, or something in them cannot be
/// removed.
bool empty_contents(const std::filesystem::path& path, int dir) noexcept;

/// Removes the sandbox directory `path`: work/ and tmp/ first, then the record with
/// the directory, so that a failure leaves the record for a later destroy or sweep.
/// A symlink or file at `path` is removed, never followed. A missing `path` is not an
/// error. Returns the first failure.
std::error_code erase(const std::filesystem::path& path) noexcept;

}  // namespace sbx::drivers::local::sandbox_dir
