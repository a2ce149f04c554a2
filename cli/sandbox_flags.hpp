// Flags shared by every command that creates sandboxes.
#pragma once

#include "sbx/options.hpp"
#include "sbx/types.hpp"

#include <boost/program_options/options_description.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sbx::cli {

/// What the user asked of the sandbox and of the commands run in it.
struct sandbox_flags {
  std::string backend;           // --backend (default: $SBX_BACKEND, else "local")
  std::string preset;            // --preset; empty: none
  std::string image;             // --image; empty: the backend's default
  std::vector<std::string> env;  // --env K=V (or K: copied from this environment)
  double timeout_secs = 0;       // --timeout: limit per command; 0: none
};

/// Adds --backend, --preset, --image, --env and --timeout, stored into `flags`.
void add_sandbox_flags(boost::program_options::options_description& options,
                       sandbox_flags& flags);

/// The create options the flags ask for. Throws usage_error for a malformed --env.
CreateOptions create_options(const sandbox_flags& flags);

/// The per-command options the flags ask for (the timeout).
ExecOptions exec_options(const sandbox_flags& flags);

/// Splits "NAME=VALUE"; a bare "NAME" takes its value from this process's environment.
/// Throws usage_error for an empty name or a bare name that is not set here.
std::pair<std::string, std::string> parse_env_assignment(std::string_view assignment);

}  // namespace sbx::cli
