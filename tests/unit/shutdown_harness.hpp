// Shutdown tests' harness: the `sbx` CLI run as a child process (a fan-out the test
// interrupts with a signal), plus the small process helpers those tests share.
#pragma once

#include <catch2/catch.hpp>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <functional>
#include <map>
#include <optional>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace sbx_test {

/// True when CI=true: tests must not skip there.
inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

/// A child process started with posix_spawn: this process's environment plus `extra_env`,
/// stdout into `stdout_path` and stderr into `stderr_path` (each inherited when empty).
class child_process {
 public:
  child_process(std::vector<std::string> argv, const std::map<std::string, std::string>& extra_env,
                const std::string& stdout_path = {}, const std::string& stderr_path = {}) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      const std::string entry(*e);
      if (!extra_env.contains(entry.substr(0, entry.find('=')))) env.push_back(entry);
    }
    for (const auto& [name, value] : extra_env) env.push_back(name + "=" + value);
    std::vector<char*> argv_ptrs;
    for (auto& a : argv) argv_ptrs.push_back(a.data());
    argv_ptrs.push_back(nullptr);
    std::vector<char*> env_ptrs;
    for (auto& e : env) env_ptrs.push_back(e.data());
    env_ptrs.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!stdout_path.empty())
      posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!stderr_path.empty())
      posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = ::posix_spawn(&pid_, argv_ptrs[0], &actions, nullptr, argv_ptrs.data(), env_ptrs.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  /// Kills and reaps a child the test did not wait for.
  ~child_process() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  pid_t pid() const { return pid_; }
  void signal(int number) const { ::kill(pid_, number); }

  /// Reaps the child, waiting up to `limit`; nullopt when it is still running then.
  std::optional<int> wait(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!status_) {
      int status = 0;
      const auto r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) status_ = status;
      else if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return status_;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

/// Polls `condition` every 100 ms until it holds or `limit` passes; returns whether it held.
inline bool eventually(const std::function<bool()>& condition, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

/// A shell command's standard output (stderr inherited); throws when it cannot run.
inline std::string command_output(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::string out;
  char buf[4096];
  while (const auto n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

/// Whitespace-separated words of `text`.
inline std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

/// The command line of `sbx fanout` running `count` sandboxes of `backend` that each
/// sleep long enough to be caught alive by a signal.
inline std::vector<std::string> fanout_command(const std::string& backend, int count,
                                               const std::vector<std::string>& extra_flags = {}) {
  std::vector<std::string> argv{SBX_CLI_PROGRAM, "fanout", "-n", std::to_string(count), "--backend", backend,
                                "--json"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  for (const char* word : {"--", "sleep", "60"}) argv.emplace_back(word);
  return argv;
}

/// Runs `sbx gc --backend <backend>` with `extra_env` and checks that it exits 0 within
/// `limit`.
inline void run_gc(const std::string& backend, const std::map<std::string, std::string>& extra_env,
                   std::chrono::seconds limit) {
  child_process gc({SBX_CLI_PROGRAM, "gc", "--backend", backend}, extra_env, "/dev/null");
  const auto status = gc.wait(limit);
  REQUIRE(status);
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
}

/// A whole file's text (empty when missing).
inline std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// What a signal (or SIGKILL) is expected to do to the harness.
inline std::string signal_name(int number) {
  return number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : number == SIGKILL ? "SIGKILL" : std::to_string(number);
}

/// Checks a harness stopped by `number` ended as it must: 130 after a graceful stop,
/// killed by the signal after SIGKILL.
inline void check_stopped_by(int status, int number) {
  INFO("wait status " << status);
  if (number == SIGKILL) {
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
  } else {
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 130);
  }
}

}  // namespace sbx_test
