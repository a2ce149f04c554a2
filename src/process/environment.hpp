// Environments of child processes: "NAME=value" entries, as execve takes them.
#pragma once

#include "sbx/types.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::process {

/// A complete environment, one "NAME=value" entry per variable.
using environment = std::vector<std::string>;

/// A copy of this process's environment.
environment host_environment();

/// Sets `name` (non-empty, without '=') to `value`, replacing an existing entry.
void set_variable(environment& env, std::string_view name, std::string_view value);

/// Sets every variable of `overlay`, in order.
void apply_overlay(environment& env, const env_map& overlay);

/// The value of `name`, or nullopt when it is not set.
std::optional<std::string_view> find_variable(const environment& env, std::string_view name);

}  // namespace sbx::process
