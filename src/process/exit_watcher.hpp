// Waiting for a child's exit without threads.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>

#include <sys/types.h>

#include <optional>
#include <variant>

namespace sbx::process {

/// Observes the exit of one child process. On Linux it waits for its pidfd to become
/// readable; where pidfd_open is missing (macOS, old kernels, seccomp filters) it
/// waits for SIGCHLD with an asio::signal_set and polls waitpid(pid, WNOHANG), which
/// wakes every watcher on each SIGCHLD: correct, but meant as a fallback.
///
/// The watch is set up by the first wait() that finds the child still running, not
/// before: a pidfd is one more open descriptor, and every open descriptor of this
/// process is copied by each later spawn and scanned by each child's exec (1000 of
/// them cost every child ~0.08 ms). A child that has exited when wait() starts never
/// needs one.
class exit_watcher {
 public:
  /// Watches `pid`, a child of this process that nobody else reaps.
  exit_watcher(boost::asio::any_io_executor executor, pid_t pid);

  /// Waits for the exit, reaps the child and returns its exit code: the exit status,
  /// or 128 + signal number when a signal killed it (255 if someone else reaped it).
  /// Cancellation: throws operation_aborted and leaves the child unreaped; waiting
  /// again later is fine. Throws boost::system::system_error when no watch can be set
  /// up.
  boost::asio::awaitable<int> wait();

 private:
  // Reaps the child if it has exited (never blocks) and returns its exit code.
  std::optional<int> try_reap();

  using source = std::variant<boost::asio::posix::stream_descriptor, boost::asio::signal_set>;

  boost::asio::any_io_executor executor_;
  pid_t pid_;
  std::optional<source> source_;  // set by the first wait() that has to wait
};

/// Blocks until `pid` exits, reaps it and returns its exit code as exit_watcher::wait
/// does. Meant for a child that was just sent SIGKILL.
int reap_blocking(pid_t pid) noexcept;

}  // namespace sbx::process
