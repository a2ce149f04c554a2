// Running a command on a session and collecting its output: the one place that turns
// ExecRequest + output chunks into an ExecResult.
#pragma once

#include "sbx/driver.hpp"

namespace sbx::detail {

/// Runs `request` (its on_output is replaced) and returns the collected result, each
/// stream keeping its first `max_output_bytes` (output_truncated set when more came).
/// Errors and cancellation as SandboxSession::exec.
awaitable<ExecResult> exec_collect(SandboxSession& session, ExecRequest request,
                                   std::size_t max_output_bytes = default_max_output_bytes);

/// Runs `argv` in the session's workdir and collects the result.
awaitable<ExecResult> exec_collect(SandboxSession& session, std::vector<std::string> argv);

/// Runs a /bin/sh script with positional parameters ($1...): the script text is
/// constant and every variable part travels as an argument, never spliced in.
awaitable<ExecResult> exec_script(SandboxSession& session, std::string script,
                                  std::vector<std::string> args);

}  // namespace sbx::detail
