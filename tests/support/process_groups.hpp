// Test helper: observing process groups through /proc (Linux).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace sbx_test {

/// Members of the process group `pgid` that have not exited. Zombies do not count:
/// a killed background process stays one until its new parent (init) reaps it.
inline int running_members(pid_t pgid) {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto close = line.rfind(')');  // the command name may hold spaces and ')'
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    long group = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &group) != 3) continue;
    if (group == pgid && state != 'Z' && state != 'X') ++count;
  }
  return count;
}

/// True once no member of the group runs any more. Polls for up to five seconds: the
/// kernel delivers SIGKILL asynchronously.
inline bool group_gone(pid_t pgid) {
  for (int i = 0; i < 100; ++i) {
    if (running_members(pgid) == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace sbx_test
