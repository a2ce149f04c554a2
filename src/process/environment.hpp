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

// A child's environment can come in two layers: `env` on top of a `base` shared by
// many children (null: none), where an entry of `env` replaces the base's entry of the
// same name. The base is then never copied per child.

/// The entries of `env` on top of `base`, pointing into both, followed by nullptr:
/// what execve takes. Valid while both live unchanged.
std::vector<const char*> layered_entries(const environment* base, const environment& env);

/// The same as one environment of its own.
environment flattened(const environment* base, const environment& env);

/// The value of `name` in `env` on top of `base`, or nullopt when neither sets it.
std::optional<std::string_view> find_variable(const environment* base, const environment& env, std::string_view name);

}  // namespace sbx::process
