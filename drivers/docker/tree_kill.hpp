// Killing the whole process tree of one exec inside its container.
//
// The Engine API has no "kill exec". Every exec the driver starts carries the
// environment variable SBX_EXEC_ID=<random token>, which every descendant inherits
// (through fork, exec, setsid and double forks alike). To kill an exec, a second exec
// runs a /bin/sh script that, in rounds until none is left, finds each process whose
// /proc/<pid>/environ holds the marker, SIGKILLs its process group (runc makes each
// exec a session and group leader, so a descendant that dropped its environment is
// still caught through its group) and then the process itself. Zombies have an empty
// environ and are not matched; the container's keep-alive shell reaps them.
//
// Needs /bin/sh and grep in the image (busybox's is enough). A process that both
// cleared its environment and left the exec's process group survives; it ends with
// the container.
#pragma once

#include "drivers/docker/engine.hpp"

#include <string>

namespace sbx::drivers::docker {

/// The variable that marks the processes of one exec.
inline constexpr const char* exec_marker_variable = "SBX_EXEC_ID";

/// The kill script; $1 is the token.
const std::string& kill_tree_script();

/// Runs the kill script for `token` in `container` and waits for it (at most 5 s).
/// Never throws: failures (container already gone, no grep) are logged at debug level.
/// Call it with a fresh cancellation state; cancelling it abandons the kill.
awaitable<void> kill_exec_tree(const engine& daemon, const std::string& container, const std::string& token);

}  // namespace sbx::drivers::docker
