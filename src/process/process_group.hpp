// Process groups: every child runs in a group of its own, so that a command and
// everything it started can be killed together.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <mutex>
#include <vector>

namespace sbx::process {

/// Sends SIGKILL to every process of the group `pgid`. A group that is already gone
/// is not an error; pgid <= 1 is ignored (kill(-1) would hit every process).
void kill_process_group(pid_t pgid) noexcept;

/// True while at least one process (zombies included) belongs to the group `pgid`.
bool process_group_exists(pid_t pgid) noexcept;

/// The process groups started on behalf of one owner (a sandbox), so that it can kill
/// all of them at once. Groups are forgotten once they are empty. Thread-safe.
class process_group_set {
 public:
  /// Records a new group. Forgets recorded groups that have emptied meanwhile.
  void add(pid_t pgid);
  /// Forgets `pgid` if its group is empty (called after its leader was reaped).
  /// A group whose background processes outlive the leader stays recorded.
  void forget_if_empty(pid_t pgid);
  /// Kills every recorded group and forgets them all.
  void kill_all() noexcept;
  /// Number of recorded groups.
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::vector<pid_t> groups_;
};

}  // namespace sbx::process
