// A running child process as the parent sees it: pid, pipes, exit.
#pragma once

#include "process/exit_watcher.hpp"
#include "process/process_group.hpp"
#include "process/spawn.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <memory>
#include <optional>

namespace sbx::process {

/// Owns a child started by spawn(): the parent's ends of its pipes as Asio
/// descriptors, the watch on its exit and its place in a process_group_set.
/// A child destroyed before its exit was observed (cancellation, an exception) has
/// its whole process group SIGKILLed and is reaped on the spot: the destructor blocks
/// only for the kernel's teardown of a killed process.
class child_process {
 public:
  /// Takes over `child`; records its group in `groups` when set. Throws
  /// boost::system::system_error if the pipes cannot be set up (the child is then
  /// killed and reaped).
  child_process(const boost::asio::any_io_executor& executor, spawned_child child,
                std::shared_ptr<process_group_set> groups);
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process();

  /// The child's pid, which is also its process group id.
  pid_t pid() const noexcept { return pid_; }
  /// Write end of the child's stdin; closed when the spec had no stdin data.
  boost::asio::posix::stream_descriptor& stdin_pipe() noexcept { return stdin_; }
  /// Read ends of the child's stdout and stderr.
  boost::asio::posix::stream_descriptor& stdout_pipe() noexcept { return stdout_; }
  boost::asio::posix::stream_descriptor& stderr_pipe() noexcept { return stderr_; }

  /// Waits until the child (the group leader) exits and reaps it; returns at once if
  /// it was reaped already. Cancellation: throws operation_aborted, the child runs on.
  /// Throws boost::system::system_error when its exit cannot be watched.
  boost::asio::awaitable<void> wait_exit();
  /// The exit code (128 + signal when killed by one); set once wait_exit returned.
  std::optional<int> exit_code() const noexcept { return exit_code_; }

  /// SIGKILLs the child's process group, unless the leader was reaped already (its pid
  /// might then name an unrelated process).
  void kill_group() noexcept;

 private:
  void reaped(int exit_code);

  pid_t pid_;
  std::shared_ptr<process_group_set> groups_;
  boost::asio::posix::stream_descriptor stdin_;
  boost::asio::posix::stream_descriptor stdout_;
  boost::asio::posix::stream_descriptor stderr_;
  exit_watcher watcher_;
  std::optional<int> exit_code_;
};

}  // namespace sbx::process
