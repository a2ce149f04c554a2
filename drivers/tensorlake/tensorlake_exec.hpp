// Running one command through the sandbox's process run stream (SSE), with exact
// output bytes (see exact_output.hpp), stdin from a file, and a timeout or
// cancellation that kills everything the command started.
#pragma once

#include "drivers/tensorlake/sandbox_api.hpp"
#include "sbx/driver.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace sbx::drivers::tensorlake {

/// Runs `request` (see SandboxSession::exec) as `user` (nullopt: the image's). The
/// command runs under the encoding wrapper, so stdout and stderr arrive separately and
/// byte-exact, each chunk handed on as its line arrives. stdin_data is first written to
/// a file in `scratch_dir` (files API, binary-safe), which the wrapper opens and
/// deletes. Every exec carries SBX_EXEC_TAG=<random>; on timeout or cancellation the
/// driver closes the stream, kills the process (DELETE /api/v1/processes/{pid}) and
/// then every process of the sandbox holding the tag, so background children die too.
/// The run request also carries the timeout plus five seconds, after which the sandbox
/// kills the command's tree itself even if this client is gone. A timeout returns
/// {124, timed_out} with the output read so far.
/// Cancellation: the command is killed as above, then operation_aborted is rethrown.
/// Errors: SandboxNotFoundError when the sandbox is gone, SandboxExecutionError for a
/// failed call or a malformed stream (a non-zero exit is a result).
boost::asio::awaitable<ExecStatus> run_exec(const sandbox_api& api, ExecRequest request,
                                            const std::optional<std::string>& user, const std::string& scratch_dir);

}  // namespace sbx::drivers::tensorlake
