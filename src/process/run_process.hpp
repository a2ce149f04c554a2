// Running a child process to completion on an Asio executor, without threads.
//
// Every child leads its own process group; stdout and stderr are read concurrently and
// handed over chunk by chunk (nothing is buffered here, so output of any size flows
// through bounded memory); stdin bytes are written concurrently; the exit is observed
// through a pidfd (Linux) or SIGCHLD.
#pragma once

#include "process/spawn_spec.hpp"
#include "sbx/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>

namespace sbx::process {

/// How a child ended.
struct process_result {
  int exit_code = 0;       // exit status; 128 + signal when killed; 124 on timeout
  bool timed_out = false;  // the timeout fired and the process group was killed
};

/// Starts `spec` and runs it to completion.
///
/// Output: every chunk of stdout and stderr goes to `on_output` (which must be set),
/// on the awaiting coroutine's executor, in order per stream. The two streams are
/// read by concurrent coroutines: when several threads run the io_context, await
/// this on a strand so that `on_output` is never called from two threads at once. The call completes when
/// the child exits; what it wrote before exiting is delivered in full. Background
/// processes it left behind keep running (kill_process_group, process_group_set) but
/// their later output is not collected: once the call returns, their writes to the
/// inherited stdout/stderr fail with EPIPE.
///
/// Spawn failures are results, like in a shell: a program that is not found gives exit
/// code 127 and "sbx: <program>: command not found\n" on stderr; a program that cannot
/// be executed, or a `cwd` that cannot be entered, gives 126 and a message.
///
/// Timeout: when `timeout` passes first, the whole process group is SIGKILLed, the
/// output written so far is delivered and the result is {124, timed_out = true}.
///
/// Cancellation (per-operation, terminal): the process group is SIGKILLed, the child
/// reaped, and operation_aborted is thrown as boost::system::system_error.
///
/// Errors: boost::system::system_error when the system is out of resources (pipes,
/// processes) or for an empty argv; exceptions thrown by `on_output` propagate (the
/// group is then killed as on cancellation).
boost::asio::awaitable<process_result> run_process(
    spawn_spec spec, output_handler on_output,
    std::optional<std::chrono::milliseconds> timeout = std::nullopt);

}  // namespace sbx::process
