#include "sandbox_flags.hpp"

#include "command_args.hpp"

#include <boost/program_options/value_semantic.hpp>

#include <chrono>
#include <cstdlib>

namespace sbx::cli {

namespace po = boost::program_options;

namespace {

std::string default_backend() {
  const char* chosen = std::getenv("SBX_BACKEND");
  return chosen && *chosen ? chosen : "local";
}

}  // namespace

void add_sandbox_flags(po::options_description& options, sandbox_flags& flags) {
  options.add_options()
      ("backend,b", po::value(&flags.backend)->default_value(default_backend())->value_name("NAME"),
       "backend to create the sandbox on (default: $SBX_BACKEND, else local)")
      ("preset", po::value(&flags.preset)->value_name("NAME"), "preset to start from (see 'sbx presets')")
      ("image", po::value(&flags.image)->value_name("IMAGE"), "image the sandbox starts from")
      ("env,e", po::value(&flags.env)->value_name("K=V")->composing(),
       "environment variable for every command (repeatable; a bare K copies it from here)")
      ("timeout", po::value(&flags.timeout_secs)->value_name("SECS"),
       "kill a command after SECS seconds (exit status 124)");
}

CreateOptions create_options(const sandbox_flags& flags) {
  CreateOptions options;
  if (!flags.preset.empty()) options.preset = flags.preset;
  if (!flags.image.empty()) options.image = flags.image;
  for (const auto& assignment : flags.env) {
    auto [name, value] = parse_env_assignment(assignment);
    options.env_vars.insert_or_assign(std::move(name), std::move(value));  // the last one wins
  }
  return options;
}

ExecOptions exec_options(const sandbox_flags& flags) {
  ExecOptions options;
  if (flags.timeout_secs > 0)
    options.timeout = std::chrono::ceil<std::chrono::milliseconds>(
        std::chrono::duration<double>(flags.timeout_secs));
  return options;
}

std::pair<std::string, std::string> parse_env_assignment(std::string_view assignment) {
  const auto equals = assignment.find('=');
  std::string name(assignment.substr(0, equals));
  if (name.empty()) throw usage_error("--env needs NAME=VALUE, got '" + std::string(assignment) + "'");
  if (equals != std::string_view::npos) return {std::move(name), std::string(assignment.substr(equals + 1))};
  const char* value = std::getenv(name.c_str());
  if (!value) throw usage_error("--env " + name + ": not set in this environment");
  return {std::move(name), value};
}

}  // namespace sbx::cli
