// Labels that tie every sandbox to the process that created it, so a sweep can tell
// orphans (owner gone) from live sandboxes.
#pragma once

#include "sbx/types.hpp"

#include <chrono>
#include <string>

namespace sbx::detail {

inline constexpr const char* label_library = "sbx.library";
inline constexpr const char* label_run_id = "sbx.run_id";
inline constexpr const char* label_host = "sbx.host";
inline constexpr const char* label_pid = "sbx.pid";
inline constexpr const char* label_created_at = "sbx.created_at";
inline constexpr const char* label_expires_at = "sbx.expires_at";

/// Random id of this process's run, fixed for its lifetime (16 hex digits).
const std::string& run_id();
/// This machine's host name.
const std::string& host_name();

/// The owner labels for a sandbox created now with the given lifetime.
env_map owner_labels(std::chrono::seconds lifetime);

/// True when the labels name a process on this host that no longer exists, or when
/// the sandbox's lifetime (sbx.expires_at) has passed. Labels of other hosts are
/// judged by lifetime only.
bool is_orphan(const env_map& labels);

/// A random hex string of `digits` digits (ids for files and sandboxes).
std::string random_hex(std::size_t digits);

/// Now as ISO 8601 UTC ("2026-11-27T13:20:00Z"), and the inverse (nullopt on junk).
std::string format_utc(std::chrono::system_clock::time_point t);
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text);

}  // namespace sbx::detail
