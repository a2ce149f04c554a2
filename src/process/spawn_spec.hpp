// What to start: the description of one child process.
#pragma once

#include "process/environment.hpp"
#include "process/process_group.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sbx::process {

/// One command to start.
struct spawn_spec {
  /// Program and arguments. A program name without '/' is looked up on the PATH of
  /// `env` (not of this process); a name with '/' is used as is, relative to `cwd`.
  std::vector<std::string> argv;
  /// The child's environment: all of it, or what it sets on top of `base_env`.
  environment env;
  /// Directory the child starts in; empty: this process's working directory.
  std::string cwd;
  /// Bytes written to the child's stdin, followed by EOF. Unset: stdin is /dev/null.
  std::optional<std::string> stdin_data;
  /// When set, the child's process group is recorded here while it has members.
  std::shared_ptr<process_group_set> groups;
  /// When set, the environment `env` goes on top of (environment.hpp): shared by
  /// many commands, it is not copied for each.
  std::shared_ptr<const environment> base_env;
};

}  // namespace sbx::process
