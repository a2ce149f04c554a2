// Graceful shutdown for harnesses: SIGINT and SIGTERM cancel the work in flight and
// every sandbox is destroyed before the process exits.
//
//   int main() {
//     return sbx::run_interruptible([]() -> sbx::awaitable<int> {
//       auto client = co_await sbx::Client::connect("docker");
//       ...  // fan out; a signal cancels this coroutine, dropped sandboxes are destroyed
//       co_return 0;
//     });
//   }
//
// What a signal leaves behind: nothing. A cancelled create destroys what it allocated, a
// cancelled exec kills its processes, a Sandbox dropped while the coroutines unwind is
// destroyed in the background, and the helpers below wait for those destroys. A second
// signal during that wind-down exits at once (status 130) and abandons the cleanup;
// what it leaves (and what SIGKILL leaves) is removed by the next `sbx gc` /
// Client::sweep, and in any case by the provider when the sandbox's lifetime
// (CreateOptions::timeout_secs, default 600 s) ends.
#pragma once

#include "sbx/driver.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>

namespace sbx {

/// The exit status of a process stopped by SIGINT or SIGTERM.
inline constexpr int exit_interrupted = 130;

/// Catches SIGINT and SIGTERM for as long as it lives: they no longer kill the process
/// but cancel the operation being run. A signal that arrives between two runs cancels
/// the next one at once. Use it from the executor it was made on.
class interrupt_guard {
 public:
  explicit interrupt_guard(boost::asio::any_io_executor executor);

  /// Awaits `operation` (spawned on the caller's executor). On SIGINT or SIGTERM the
  /// operation gets a terminal cancellation and is awaited until it has wound down,
  /// then the background destroys of the sandboxes it dropped are awaited too
  /// (wait_for_dropped_sandboxes). A second signal meanwhile ends the process at once
  /// with exit_interrupted, and so does any signal during a later run() of this guard
  /// (e.g. the cleanup a harness does itself after an interruption: run it here).
  /// Returns true when this run was interrupted. Cancelling run() stops the operation
  /// the same way (and returns false). Errors: the operation's, except after an
  /// interruption (its cancellation error is expected then).
  awaitable<bool> run(awaitable<void> operation);

 private:
  boost::asio::signal_set signals_;
  bool interrupted_ = false;  // a signal was received: the next one exits at once
};

/// Waits until every Sandbox of this process that was dropped while alive (so is being
/// destroyed in the background on its executor) has been destroyed; returns at once
/// when there is none. Those destroys run on their sandboxes' executors, which must
/// keep running meanwhile. Cancellation: throws operation_aborted.
awaitable<void> wait_for_dropped_sandboxes();

/// Runs `main` on a fresh single-threaded io_context on the calling thread under an
/// interrupt_guard, then waits for dropped sandboxes (still under it). Returns main's value, or
/// exit_interrupted when SIGINT or SIGTERM stopped it (after the cleanup). Errors:
/// whatever `main` throws when not interrupted.
int run_interruptible(std::function<awaitable<int>()> main);

}  // namespace sbx
