#include "process/process_group.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>

namespace sbx::process {

void kill_process_group(pid_t pgid) noexcept {
  if (pgid > 1) ::kill(-pgid, SIGKILL);
}

bool process_group_exists(pid_t pgid) noexcept {
  return pgid > 1 && (::kill(-pgid, 0) == 0 || errno == EPERM);
}

void process_group_set::add(pid_t pgid) {
  const std::lock_guard lock(mutex_);
  std::erase_if(groups_, [](pid_t group) { return !process_group_exists(group); });
  groups_.push_back(pgid);
}

void process_group_set::forget_if_empty(pid_t pgid) {
  if (process_group_exists(pgid)) return;
  const std::lock_guard lock(mutex_);
  std::erase(groups_, pgid);
}

void process_group_set::kill_all() noexcept {
  const std::lock_guard lock(mutex_);
  for (const pid_t group : groups_) kill_process_group(group);
  groups_.clear();
}

std::size_t process_group_set::size() const {
  const std::lock_guard lock(mutex_);
  return groups_.size();
}

}  // namespace sbx::process
