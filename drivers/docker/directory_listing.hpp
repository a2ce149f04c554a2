// list_files inside a container: the script an exec runs and the parser of its output
// (pure functions).
#pragma once

#include "sbx/types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::docker {

/// Exit codes of the listing script besides 0.
inline constexpr int listing_missing = 3;      // $1 does not exist
inline constexpr int listing_not_a_dir = 4;    // $1 is not a directory

/// A /bin/sh script listing the directory $1 one level deep as NUL-terminated records
/// "<type> <size> <full path>" (type: d directory, f regular file, other letters for
/// the rest). Uses GNU find -printf when available, else a shell loop with stat -c %s
/// (busybox), so names with any byte, including newlines, survive.
const std::string& listing_script();

/// Parses the script's output into FileInfo entries (size only for regular files).
/// Throws SandboxExecutionError (op "list_files") on a malformed record.
std::vector<FileInfo> parse_listing(std::string_view output);

}  // namespace sbx::drivers::docker
