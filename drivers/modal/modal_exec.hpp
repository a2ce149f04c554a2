// Running one command through a sandbox's task command router: TaskExecStart, stdin
// through TaskExecStdinWrite, stdout and stderr as two TaskExecStdioRead streams, the
// exit code from TaskExecWait; a timeout or cancellation kills everything the command
// started.
#pragma once

#include "drivers/modal/modal_api.hpp"
#include "sbx/driver.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace sbx::drivers::modal {

/// Runs `request` in the task `task_id` (see SandboxSession::exec). Output chunks reach
/// request.on_output on the caller's executor as they arrive, in order per stream; an
/// output stream that breaks (a retryable code) is reopened at the byte offset read so
/// far. Every exec carries SBX_EXEC_TAG=<random>; on timeout or cancellation the
/// driver runs the tag kill script (detail::kill_tagged_command) in the sandbox, so
/// background children die too. The router also gets the timeout plus five seconds
/// (timeout_secs), so the command ends even if this client does not survive.
/// A timeout returns {124, timed_out} with the output read so far. Cancellation: the
/// command is killed, then operation_aborted is rethrown. Errors: SandboxNotFoundError
/// when the sandbox is gone, SandboxExecutionError for router failures.
boost::asio::awaitable<ExecStatus> run_exec(const router_client& router, const std::string& task_id,
                                            ExecRequest request);

}  // namespace sbx::drivers::modal
