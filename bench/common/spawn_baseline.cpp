#include "common/spawn_baseline.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <unordered_map>

extern char** environ;

namespace sbx::bench {

namespace {

using clock = std::chrono::steady_clock;

[[noreturn]] void fail(int error, const char* what) {
  throw std::system_error(error, std::generic_category(), what);
}

// The parent's read ends of one child's output pipes.
struct child_pipes {
  int out = -1;
  int err = -1;
};

// Starts `sh -c 'echo <index>'` with its stdout and stderr on new pipes.
std::pair<pid_t, child_pipes> spawn_echo(std::size_t index) {
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) fail(errno, "pipe2");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  const auto script = "echo " + std::to_string(index);
  char* const args[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>(script.c_str()),
                        nullptr};
  pid_t pid = -1;
  const int error = posix_spawn(&pid, "/bin/sh", &actions, nullptr, args, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err[1]);
  if (error != 0) fail(error, "posix_spawn");
  return {pid, {out[0], err[0]}};
}

// Reads `fd` to its end and closes it.
void drain(int fd) {
  char buffer[4096];
  while (true) {
    const auto got = read(fd, buffer, sizeof buffer);
    if (got > 0 || (got < 0 && errno == EINTR)) continue;
    break;
  }
  close(fd);
}

}  // namespace

spawn_baseline_result run_spawn_baseline(std::size_t count, std::size_t concurrency) {
  spawn_baseline_result result;
  std::unordered_map<pid_t, child_pipes> running;
  std::size_t started = 0;
  const auto begin = clock::now();
  while (started < count || !running.empty()) {
    while (started < count && running.size() < concurrency) running.insert(spawn_echo(started++));
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      fail(errno, "waitpid");
    }
    const auto child = running.find(pid);
    if (child == running.end()) continue;
    drain(child->second.out);
    drain(child->second.err);
    running.erase(child);
    ++(WIFEXITED(status) && WEXITSTATUS(status) == 0 ? result.succeeded : result.failed);
  }
  result.wall = clock::now() - begin;
  return result;
}

}  // namespace sbx::bench
