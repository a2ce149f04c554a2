// The `bwrap` backend: the local driver's sandboxes (private host directories,
// owner records, lifetime timer, sweep, resume, host file operations), with every
// command run inside bubblewrap (see bwrap_command.hpp):
//
// - the host system is read-only; the sandbox's workdir and scratch directory are
//   writable at their own absolute paths, so the file API and commands agree on paths;
//   the other sandboxes under the base directory are hidden; /tmp is a private tmpfs
//   per command;
// - new pid, ipc and uts namespaces (and a network namespace with only loopback for
//   allow_internet=false); a new session; all capabilities dropped; the command dies
//   with its bwrap, which the process group kill of timeout/cancellation/destroy hits;
//   background processes end with the command (its pid namespace goes away);
// - limits through prlimit: RLIMIT_AS = memory_mb, and RLIMIT_CPU = cpu × timeout_secs
//   CPU-seconds per command (none when timeout_secs is 0).
//
// Needs `bwrap` (bubblewrap) and `prlimit` (util-linux) on the PATH, and user
// namespaces (or root). Driver options: those of the local driver ("root").
#pragma once

#include "drivers/local/local_flavor.hpp"
#include "process/environment.hpp"
#include "sbx/registry.hpp"

namespace sbx::drivers::bwrap {

/// The registry entry of the `bwrap` backend.
BackendInfo backend_info();

/// The local driver's variation for bwrap: programs are looked up on the PATH of
/// `host_env` now. Creating a sandbox, and running a command of a resumed one, then
/// fail with BackendNotInstalledError naming what is missing; never throws itself.
local::local_flavor bwrap_flavor(const process::environment& host_env);

}  // namespace sbx::drivers::bwrap
