// Killing everything one exec started inside a remote sandbox: each exec carries a
// random tag in its environment, and a small shell script run in the same sandbox
// kills every process whose environment holds it (background children included; a
// process that clears its environment escapes). Used by drivers whose provider has no
// process-tree kill of its own.
#pragma once

#include <string>
#include <vector>

namespace sbx::detail {

/// The environment variable every tagged exec carries; its value identifies the exec.
inline constexpr const char* exec_tag_variable = "SBX_EXEC_TAG";

/// The argv (/bin/sh -c <script> sbx-kill <tag>) that sends SIGKILL, in a few rounds,
/// to every process of the sandbox whose environment holds SBX_EXEC_TAG=<tag>.
std::vector<std::string> kill_tagged_command(const std::string& tag);

}  // namespace sbx::detail
