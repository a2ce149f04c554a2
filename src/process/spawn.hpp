// posix_spawn of one child in a new process group, stdio connected to pipes.
#pragma once

#include "process/spawn_spec.hpp"
#include "process/unique_fd.hpp"

#include <sys/types.h>

#include <optional>
#include <string>
#include <variant>

namespace sbx::process {

/// A started child and the parent's ends of its stdio pipes.
struct spawned_child {
  pid_t pid = -1;        // also its process group id
  unique_fd stdin_pipe;  // write end; empty when the spec had no stdin data
  unique_fd stdout_pipe;
  unique_fd stderr_pipe;
};

/// Why a child could not start, reported the way a shell would: exit code 127 (program
/// not found) or 126 (found but not runnable, or `cwd` unusable) and a one-line message.
struct spawn_failure {
  int exit_code = 127;
  std::string message;  // "sbx: <program>: command not found\n"
};

/// Resolves `name` like execvp, but on the PATH of `env`. A name with '/' is returned
/// as is; relative PATH entries are checked against `cwd` and returned relative (the
/// child resolves them after its chdir). nullopt when no runnable file is found.
std::optional<std::string> find_program(const std::string& name, const environment& env,
                                        const std::string& cwd);

/// Starts `spec` with posix_spawn (vfork-fast on glibc): the child leads a new process
/// group, has SIGPIPE and SIGXFSZ at their default action and an empty signal mask,
/// and inherits no other descriptor of this process (every pipe is O_CLOEXEC).
/// The first call makes this process ignore SIGPIPE if it still has the default
/// action, so that writing to a child that closed its stdin reports EPIPE instead of
/// killing the process. Errors: a spawn_failure when the program or cwd cannot be
/// used; boost::system::system_error when the system is out of resources.
std::variant<spawned_child, spawn_failure> spawn(const spawn_spec& spec);

}  // namespace sbx::process
