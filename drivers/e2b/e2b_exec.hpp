// Running one command through envd's process service: the Start stream with separate
// stdout and stderr, stdin through SendInput/CloseStdin, and a timeout or cancellation
// that kills everything the command started.
#pragma once

#include "drivers/e2b/envd_client.hpp"
#include "sbx/driver.hpp"

#include <boost/asio/awaitable.hpp>

namespace sbx::drivers::e2b {

/// Runs `request` (see SandboxSession::exec). Every exec carries SBX_EXEC_TAG=<random>
/// in its environment; on timeout or cancellation the driver sends SIGKILL to the
/// command (SendSignal) and then kills, inside the sandbox, every process whose
/// environment holds that tag, so background children die too (a process that clears
/// its environment escapes). A timeout returns {124, timed_out} with the output read so
/// far; envd is also given the deadline plus five seconds (Connect-Timeout-Ms), so the
/// command dies even if this client does not survive.
/// Cancellation: the command is killed as above, then operation_aborted is rethrown.
/// Errors: SandboxNotFoundError when the sandbox is gone, SandboxExecutionError for
/// envd failures (a non-zero exit is a result).
boost::asio::awaitable<ExecStatus> run_exec(const envd_client& envd, ExecRequest request);

}  // namespace sbx::drivers::e2b
