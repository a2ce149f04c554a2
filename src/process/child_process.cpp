#include "process/child_process.hpp"

namespace sbx::process {
namespace {

void adopt(boost::asio::posix::stream_descriptor& descriptor, unique_fd fd) {
  if (!fd) return;
  descriptor.assign(fd.get());
  fd.release();
}

}  // namespace

child_process::child_process(const boost::asio::any_io_executor& executor, spawned_child child,
                             std::shared_ptr<process_group_set> groups)
    : pid_(child.pid),
      groups_(std::move(groups)),
      stdin_(executor),
      stdout_(executor),
      stderr_(executor),
      watcher_(executor, pid_) {
  try {
    adopt(stdin_, std::move(child.stdin_pipe));
    adopt(stdout_, std::move(child.stdout_pipe));
    adopt(stderr_, std::move(child.stderr_pipe));
    if (groups_) groups_->add(pid_);
  } catch (...) {
    kill_process_group(pid_);
    reap_blocking(pid_);
    throw;
  }
}

child_process::~child_process() {
  if (exit_code_) return;
  kill_group();
  reaped(reap_blocking(pid_));
}

boost::asio::awaitable<void> child_process::wait_exit() {
  if (!exit_code_) reaped(co_await watcher_.wait());
}

void child_process::kill_group() noexcept {
  if (!exit_code_) kill_process_group(pid_);
}

void child_process::reaped(int exit_code) {
  exit_code_ = exit_code;
  if (groups_) groups_->forget_if_empty(pid_);
}

}  // namespace sbx::process
