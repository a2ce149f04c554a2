// Running one command in a container: exec create, hijacked start, demultiplexed
// output, stdin, exit code, and the kill on timeout or cancellation.
#pragma once

#include "drivers/docker/engine.hpp"
#include "sbx/driver.hpp"

#include <string>

namespace sbx::drivers::docker {

/// Runs request.argv in `container` with request.env over the container's environment
/// and request.cwd as working directory; output chunks go to request.on_output as they
/// arrive (stdout and stderr separate, bytes exact).
///
/// The argv runs under `/bin/sh -c 'exec "$@"'` so a missing program is exit 127 with
/// the shell's message on stderr (as on every backend) rather than Docker's OCI error
/// text on stdout; the shell replaces itself, so no extra process remains. The exec is
/// marked for kill_exec_tree (see tree_kill.hpp). With request.stdin_data the exec is
/// created with AttachStdin, the bytes are written on the hijacked connection while
/// output is read, and the write side is then shut down (EOF for the command); a
/// command that exits without reading all of it is not an error.
///
/// Timeout: when request.timeout passes, the process tree is killed and the result is
/// exit 124, timed_out, with the output received until then.
/// Cancellation: the process tree is killed (awaited, at most 5 s) before
/// boost::system::system_error(operation_aborted) is rethrown.
/// Errors: SandboxNotFoundError when the container is gone or stopped,
/// SandboxExecutionError for daemon errors (including ones reported inside the stream),
/// SandboxConnectionError for transport failures; an exception from on_output passes
/// through. Whenever the command started and the output was not read to its end, its
/// process tree is killed before the error is rethrown.
awaitable<ExecStatus> run_exec(const engine& daemon, const std::string& container, ExecRequest request);

}  // namespace sbx::drivers::docker
