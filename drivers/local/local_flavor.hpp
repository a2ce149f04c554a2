// What a backend built on the local driver (bwrap, safehouse) changes about it: its
// name and capabilities, per-sandbox settings, and how each command is started.
// Everything else (directories, owner records, lifetime, sweep, resume, host file
// operations) stays the local driver's.
#pragma once

#include "process/spawn_spec.hpp"
#include "sbx/capabilities.hpp"
#include "sbx/options.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::local {

struct local_sandbox_config;

/// Rewrites one command of a sandbox before it starts: spec.argv, spec.env (what it
/// sets on top of spec.base_env, the host environment) and spec.cwd may be changed
/// (e.g. the argv wrapped in a sandboxing tool's command line). May throw an sbx
/// error to refuse the command.
using command_wrapper = std::function<void(process::spawn_spec& spec, const local_sandbox_config& config)>;

/// The variations of the local driver.
struct local_flavor {
  std::string name;           // backend name, as in the registry
  Capabilities capabilities;  // network_control=true lets allow_internet=false through
  /// Checks create's options before anything is allocated (throwing the sbx error to
  /// report) and returns the settings the wrapper needs for this sandbox; they are
  /// kept in session_data() for resume. Unset: no settings.
  std::function<boost::json::object(const ResolvedOptions&)> settings;
  /// Unset: commands run as they are.
  command_wrapper wrap;
  /// The driver option keys the flavor reads besides the local driver's ("root");
  /// any other key is refused.
  std::vector<std::string_view> option_keys;
};

}  // namespace sbx::drivers::local
