// The `safehouse` backend (macOS): the local driver's sandboxes (private host
// directories, owner records, lifetime timer, sweep, resume, host file operations),
// with every command run under Agent Safehouse (Seatbelt via sandbox-exec): writes
// only in the workdir and scratch directory, system reads allowed, network open
// (allow_internet=false is refused). A timeout or cancellation kills the command's
// process group, which holds safehouse, sandbox-exec and the command.
//
// Needs macOS and the `safehouse` CLI on the PATH; elsewhere it builds and registers,
// and creation fails with BackendNotInstalledError naming what is missing.
//
// Driver options: those of the local driver ("root"), and {"assume_macos": true},
// for tests only: skips the macOS check so that the command line can be tested with a
// stub `safehouse` on other systems.
#pragma once

#include "drivers/local/local_flavor.hpp"
#include "process/environment.hpp"
#include "sbx/registry.hpp"

#include <boost/json/object.hpp>

namespace sbx::drivers::safehouse {

/// The registry entry of the `safehouse` backend.
BackendInfo backend_info();

/// The local driver's variation for safehouse: the CLI is looked up on the PATH of
/// `host_env` now; `driver_options` may hold "assume_macos". Creating a sandbox, and
/// running a command of a resumed one, then fail with BackendNotInstalledError naming
/// what is missing. Errors: SandboxConfigurationError when "assume_macos" is not a bool.
local::local_flavor safehouse_flavor(const process::environment& host_env,
                                     const boost::json::object& driver_options);

}  // namespace sbx::drivers::safehouse
