// Running one command in a Daytona sandbox with separate, exact stdout and stderr.
//
// The toolbox's /process/execute answers stdout and stderr merged, after the end; its
// session logs are split but line-labelled (a newline is added to a last line without
// one, NUL bytes are lost) and JSON-encoded (invalid UTF-8 is replaced). So the command
// runs in a session of its own, started asynchronously, with stdout and stderr
// redirected into two files of a scratch directory, which the driver reads as they
// grow (GET /files/download with a Range from what it has) until the session reports
// the exit code. Stdin is uploaded into the scratch directory first.
#pragma once

#include "drivers/daytona/toolbox_client.hpp"
#include "sbx/driver.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>

namespace sbx::drivers::daytona {

/// Runs `request` (see SandboxSession::exec) in session "sbx-<tag>" with scratch
/// directory `scratch`/sbx-exec-<tag>; polls every 20 ms at first, doubling up to
/// `poll_interval`. Every exec carries SBX_EXEC_TAG=<tag>; on timeout or cancellation
/// the session is deleted (the daemon kills its process group) and every process
/// holding the tag is killed (background children that left the group too). A timeout
/// returns {124, timed_out} with the output written so far. The session and the
/// scratch directory are removed afterwards in every case.
/// Cancellation: the command is killed as above, then operation_aborted is rethrown.
/// Errors: SandboxNotFoundError when the sandbox is gone, SandboxExecutionError for
/// toolbox failures (a non-zero exit is a result).
boost::asio::awaitable<ExecStatus> run_exec(const toolbox_client& toolbox, ExecRequest request,
                                            const std::string& scratch, std::chrono::milliseconds poll_interval);

}  // namespace sbx::drivers::daytona
