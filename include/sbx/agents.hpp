// Agents: an agent CLI run inside a sandbox, or a host-side coroutine that drives a
// sandbox through a capability-checked AgentContext.
#pragma once

#include "sbx/sandbox.hpp"
#include "sbx/types.hpp"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sbx {

/// What an agent may do with its sandbox.
enum class agent_capability { shell, files, patch, ports, artifacts };

/// How an inside agent receives its prompt: on stdin, as a last argument, as the path
/// of a file holding it (appended as the last argument), or not at all.
enum class agent_input { std_in, argv, file, none };

/// Parses "shell", "files", "patch", "ports" or "artifacts"; anything else throws
/// SandboxConfigurationError naming it.
agent_capability parse_agent_capability(std::string_view name);
std::string_view to_string(agent_capability capability) noexcept;

using agent_capabilities = std::set<agent_capability>;

/// Default capabilities of a spec: shell and files.
inline agent_capabilities default_agent_capabilities() {
  return {agent_capability::shell, agent_capability::files};
}

/// An agent CLI that runs inside the sandbox. No shell is involved: the prompt, the
/// env and cwd travel as exec options, so nothing needs quoting.
struct InsideAgentSpec {
  std::string name;
  std::vector<std::string> command;               // argv of the agent CLI
  std::optional<std::string> cwd;                 // relative: against the workdir
  env_map env;
  agent_input input_mode = agent_input::std_in;
  std::optional<std::string> input_path;          // file mode; default: a scratch file
  agent_capabilities capabilities = default_agent_capabilities();
  std::optional<std::chrono::milliseconds> timeout;
};

class AgentContext;

/// A host-side agent: `runner` drives the sandbox through the context it is given
/// and returns its answer.
struct OutsideAgentSpec {
  std::string name;
  agent_capabilities capabilities = default_agent_capabilities();
  std::function<awaitable<std::string>(AgentContext&, std::string prompt)> runner;
};

/// Either kind of agent: `AgentSpec spec = AgentSpec::inside{...};`.
struct AgentSpec {
  using inside = InsideAgentSpec;
  using outside = OutsideAgentSpec;
  std::variant<InsideAgentSpec, OutsideAgentSpec> spec;

  AgentSpec(InsideAgentSpec s) : spec(std::move(s)) {}
  AgentSpec(OutsideAgentSpec s) : spec(std::move(s)) {}

  /// Throws SandboxConfigurationError for an empty name or command, an outside agent
  /// without runner, or an invalid env name.
  void validate() const;
};

/// The sandbox as an agent may see it: every operation checks its capability and a
/// denied one throws SandboxError("Agent context does not allow '<cap>' capability").
class AgentContext {
 public:
  AgentContext(Sandbox& sandbox, agent_capabilities capabilities);

  Sandbox& sandbox() { return sandbox_; }
  const agent_capabilities& capabilities() const { return capabilities_; }
  bool allows(agent_capability capability) const { return capabilities_.contains(capability); }

  /// shell: runs a command (string through /bin/sh, or an argument vector).
  awaitable<ExecResult> shell(std::string command, ExecOptions options = {});
  awaitable<ExecResult> shell(argv command, ExecOptions options = {});
  /// files: as Sandbox.
  awaitable<std::vector<FileInfo>> list_files(std::string path = ".");
  awaitable<std::string> read_file(std::string path);
  awaitable<void> write_file(std::string path, std::string content);
  /// patch: applies a unified diff in the workdir (or `cwd`) with `patch -p<strip>`
  /// (falling back to `git apply`). A failing patch is a result (non-zero exit).
  awaitable<ExecResult> apply_patch(std::string diff, int strip = 0, std::optional<std::string> cwd = {});
  /// ports: an address the host can reach a sandbox port at. Errors:
  /// FeatureNotSupportedError where the backend cannot expose ports.
  awaitable<std::string> expose_port(int port);
  /// artifacts: the directory `remote_dir` packed as a tar.gz archive (bytes).
  awaitable<std::string> artifact_tarball(std::string remote_dir);
  /// artifacts: the directory `remote_dir` copied into `local_dir`; returns the count.
  awaitable<std::size_t> download_artifacts(std::string remote_dir, std::filesystem::path local_dir);

 private:
  void require(agent_capability capability) const;

  Sandbox& sandbox_;
  agent_capabilities capabilities_;
};

/// Runs an inside agent with `prompt` and returns its result; a non-zero exit is a
/// result. Errors: SandboxConfigurationError (invalid spec), sandbox errors.
awaitable<ExecResult> run_agent(Sandbox& sandbox, const InsideAgentSpec& spec, std::string prompt);
/// The same, handing output chunks to `on_output` as they arrive.
awaitable<ExecResult> run_agent_stream(Sandbox& sandbox, const InsideAgentSpec& spec, std::string prompt,
                                       output_handler on_output);
/// Runs an outside agent's runner with a context limited to its capabilities.
awaitable<std::string> run_agent(Sandbox& sandbox, const OutsideAgentSpec& spec, std::string prompt);

}  // namespace sbx
