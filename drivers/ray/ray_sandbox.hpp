// One sandbox of the `ray` backend: a long-lived Ray job whose entrypoint is the exec
// agent, serving its private directory on one node of the cluster.
#pragma once

#include "drivers/ray/agent_client.hpp"
#include "drivers/ray/agent_ready.hpp"
#include "drivers/ray/ray_context.hpp"
#include "http/semaphore.hpp"
#include "sbx/driver.hpp"

#include <memory>
#include <string>

namespace sbx::drivers::ray {

/// What identifies a live Ray sandbox; session_data() holds exactly this. The token is
/// a secret: it appears in session_data() and nowhere else.
struct ray_sandbox_config {
  std::string job_id;
  agent_address agent;
  std::string token;
};

/// A live Ray sandbox.
///
/// Commands run on the agent's node as the Ray worker user, in their own process
/// group, with the agent's environment (the job's, including RAY_ADDRESS) overlaid by
/// the sandbox's env_vars, then HOME=SANDBOX_ROOT=workdir and TMPDIR=<dir>/tmp, then
/// the per-exec overlay. Not isolated: absolute paths are node paths and the network
/// is open (see backend_info()).
///
/// When the agent stops answering, the job is checked: if Ray reports it ended (lifetime
/// passed, stopped by a sweep or by hand), the operation fails with
/// SandboxNotFoundError and destroyed() becomes true.
class ray_sandbox final : public SandboxSession {
 public:
  /// Takes over the running job described by `config`; `running` is the admission
  /// permit held until destroy (empty for resumed sandboxes).
  ray_sandbox(std::shared_ptr<ray_context> context, ray_sandbox_config config, http::permit running);

  const std::string& id() const override;
  const std::string& workdir() const override;
  /// <sandbox dir>/tmp on the node.
  const std::string& scratch_dir() const override;

  /// Runs request.argv (no shell) through the agent. Timeout and cancellation kill the
  /// command's process group. A missing program is exit code 127, not an error.
  /// Errors: SandboxNotFoundError when the sandbox is gone, SandboxConnectionError /
  /// SandboxExecutionError for transport and protocol failures.
  awaitable<ExecStatus> exec(ExecRequest request) override;

  /// Errors: SandboxNotFoundError (missing path or sandbox), SandboxExecutionError (a file).
  awaitable<std::vector<FileInfo>> list_files(std::string path) override;
  /// Errors: SandboxNotFoundError (missing file or sandbox), SandboxExecutionError.
  awaitable<std::string> read_file(std::string path) override;
  /// Errors: SandboxNotFoundError (sandbox gone), SandboxExecutionError.
  awaitable<void> write_file(std::string path, std::string content) override;

  /// {"job_id", "agent_host", "agent_port", "token", "workdir", "scratch_dir"}.
  boost::json::object session_data() const override;

  /// Stops the job (the agent kills every command's process group and removes the
  /// sandbox directory) and waits for it to end; a later sweep forgets its record.
  /// Idempotent; a job that already ended is fine. Errors: SandboxExecutionError when Ray cannot be asked
  /// or the job does not end within 20 s (destroy may then be retried).
  awaitable<void> destroy() override;
  bool destroyed() const override;

 private:
  template <class T>
  awaitable<T> checked(const char* op, awaitable<T> operation);

  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace sbx::drivers::ray
