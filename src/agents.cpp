#include "sbx/agents.hpp"

#include "owner_labels.hpp"
#include "paths.hpp"
#include "resolve_options.hpp"
#include "sbx/errors.hpp"

#include <array>

namespace sbx {
namespace {

constexpr std::array<std::pair<agent_capability, std::string_view>, 5> capability_names{{
    {agent_capability::shell, "shell"},
    {agent_capability::files, "files"},
    {agent_capability::patch, "patch"},
    {agent_capability::ports, "ports"},
    {agent_capability::artifacts, "artifacts"},
}};

[[noreturn]] void invalid_spec(const std::string& message) {
  throw SandboxConfigurationError(message, {.op = "agent"});
}

void validate_name_and_env(const std::string& name, const env_map& env) {
  if (name.find_first_not_of(" \t\n") == std::string::npos) invalid_spec("Agent specs require a name");
  for (const auto& [key, value] : env)
    if (!detail::is_env_name(key)) invalid_spec("Invalid agent env name: " + key);
}

// The command line and exec options that deliver `prompt` as `spec` asks.
struct agent_invocation {
  std::vector<std::string> argv;
  ExecOptions options;
  std::optional<std::string> prompt_file;
};

agent_invocation plan_invocation(Sandbox& sandbox, const InsideAgentSpec& spec, std::string prompt) {
  AgentSpec(spec).validate();
  agent_invocation plan{spec.command, {.env = spec.env, .cwd = spec.cwd, .timeout = spec.timeout}, {}};
  switch (spec.input_mode) {
    case agent_input::std_in: plan.options.stdin_data = std::move(prompt); break;
    case agent_input::argv: plan.argv.push_back(std::move(prompt)); break;
    case agent_input::file: {
      const auto path = spec.input_path
                            ? detail::resolve_sandbox_path(sandbox.workdir(), *spec.input_path)
                            : sandbox.session().scratch_dir() + "/sbx-agent-input-" + detail::random_hex(12) + ".txt";
      plan.argv.push_back(path);
      plan.prompt_file = std::move(prompt);
      break;
    }
    case agent_input::none: break;
  }
  return plan;
}

// (Built outside coroutines: GCC 12 mishandles initializer lists in coroutine frames.)
std::vector<std::string> patch_command(int strip, const std::string& patch_file) {
  return {"/bin/sh", "-c",
          "if command -v patch >/dev/null 2>&1; then patch -p\"$1\" -i \"$2\"; else git apply -p\"$1\" \"$2\"; fi;"
          " rc=$?; rm -f \"$2\"; exit $rc",
          "sbx-apply-patch", std::to_string(strip), patch_file};
}

awaitable<void> deliver_prompt_file(Sandbox& sandbox, agent_invocation& plan) {
  if (plan.prompt_file) co_await sandbox.write_file(plan.argv.back(), std::move(*plan.prompt_file));
}

}  // namespace

agent_capability parse_agent_capability(std::string_view name) {
  for (const auto& [capability, text] : capability_names)
    if (text == name) return capability;
  throw SandboxConfigurationError("Unknown agent capability '" + std::string(name) +
                                      "'. Choose from: shell, files, patch, ports, artifacts",
                                  {.op = "agent", .context = {{"capability", std::string(name)}}});
}

std::string_view to_string(agent_capability capability) noexcept {
  return capability_names[static_cast<std::size_t>(capability)].second;
}

void AgentSpec::validate() const {
  if (const auto* inside = std::get_if<InsideAgentSpec>(&spec)) {
    validate_name_and_env(inside->name, inside->env);
    if (inside->command.empty() || inside->command.front().empty())
      invalid_spec("Inside agents require a command");
  } else {
    const auto& outside = std::get<OutsideAgentSpec>(spec);
    validate_name_and_env(outside.name, {});
    if (!outside.runner) invalid_spec("Outside agent spec requires a runner to call run()");
  }
}

AgentContext::AgentContext(Sandbox& sandbox, agent_capabilities capabilities)
    : sandbox_(sandbox), capabilities_(std::move(capabilities)) {}

void AgentContext::require(agent_capability capability) const {
  if (!allows(capability))
    throw SandboxError("Agent context does not allow '" + std::string(to_string(capability)) + "' capability",
                       {.op = "agent", .context = {{"capability", std::string(to_string(capability))}}});
}

awaitable<ExecResult> AgentContext::shell(std::string command, ExecOptions options) {
  require(agent_capability::shell);
  co_return co_await sandbox_.exec(std::move(command), std::move(options));
}

awaitable<ExecResult> AgentContext::shell(argv command, ExecOptions options) {
  require(agent_capability::shell);
  co_return co_await sandbox_.exec(std::move(command), std::move(options));
}

awaitable<std::vector<FileInfo>> AgentContext::list_files(std::string path) {
  require(agent_capability::files);
  co_return co_await sandbox_.list_files(std::move(path));
}

awaitable<std::string> AgentContext::read_file(std::string path) {
  require(agent_capability::files);
  co_return co_await sandbox_.read_file(std::move(path));
}

awaitable<void> AgentContext::write_file(std::string path, std::string content) {
  require(agent_capability::files);
  co_await sandbox_.write_file(std::move(path), std::move(content));
}

awaitable<ExecResult> AgentContext::apply_patch(std::string diff, int strip, std::optional<std::string> cwd) {
  require(agent_capability::patch);
  const auto patch_file = sandbox_.session().scratch_dir() + "/sbx-agent-" + detail::random_hex(12) + ".patch";
  co_await sandbox_.write_file(patch_file, std::move(diff));
  ExecOptions options{.cwd = std::move(cwd)};
  co_return co_await sandbox_.exec(argv(patch_command(strip, patch_file)), std::move(options));
}

awaitable<std::string> AgentContext::expose_port(int port) {
  require(agent_capability::ports);
  if (port <= 0 || port > 65535)
    throw SandboxConfigurationError("expose_port: port out of range", {.op = "expose_port"});
  co_return co_await sandbox_.session().expose_port(port);
}

awaitable<std::string> AgentContext::artifact_tarball(std::string remote_dir) {
  require(agent_capability::artifacts);
  co_return co_await sandbox_.session().create_archive(
      detail::resolve_sandbox_path(sandbox_.workdir(), remote_dir));
}

awaitable<std::size_t> AgentContext::download_artifacts(std::string remote_dir, std::filesystem::path local_dir) {
  require(agent_capability::artifacts);
  co_return co_await sandbox_.download_dir(std::move(remote_dir), std::move(local_dir));
}

awaitable<ExecResult> run_agent(Sandbox& sandbox, const InsideAgentSpec& spec, std::string prompt) {
  auto plan = plan_invocation(sandbox, spec, std::move(prompt));
  co_await deliver_prompt_file(sandbox, plan);
  co_return co_await sandbox.exec(argv(std::move(plan.argv)), std::move(plan.options));
}

awaitable<ExecResult> run_agent_stream(Sandbox& sandbox, const InsideAgentSpec& spec, std::string prompt,
                                       output_handler on_output) {
  auto plan = plan_invocation(sandbox, spec, std::move(prompt));
  co_await deliver_prompt_file(sandbox, plan);
  co_return co_await sandbox.exec_stream(argv(std::move(plan.argv)), std::move(on_output), std::move(plan.options));
}

awaitable<std::string> run_agent(Sandbox& sandbox, const OutsideAgentSpec& spec, std::string prompt) {
  AgentSpec(spec).validate();
  AgentContext context(sandbox, spec.capabilities);
  co_return co_await spec.runner(context, std::move(prompt));
}

}  // namespace sbx
