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
class exit_watcher {
 public:
  /// Starts watching `pid`, a child of this process that nobody else reaps.
  /// Throws boost::system::system_error when no watch can be set up.
  exit_watcher(const boost::asio::any_io_executor& executor, pid_t pid);

  /// Waits for the exit, reaps the child and returns its exit code: the exit status,
  /// or 128 + signal number when a signal killed it (255 if someone else reaped it).
  /// Cancellation: throws operation_aborted and leaves the child unreaped; waiting
  /// again later is fine.
  boost::asio::awaitable<int> wait();

 private:
  std::optional<int> try_reap();

  pid_t pid_;
  std::variant<boost::asio::posix::stream_descriptor, boost::asio::signal_set> source_;
};

/// Blocks until `pid` exits, reaps it and returns its exit code as exit_watcher::wait
/// does. Meant for a child that was just sent SIGKILL.
int reap_blocking(pid_t pid) noexcept;

}  // namespace sbx::process
