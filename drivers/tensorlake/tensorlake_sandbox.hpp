// One Tensorlake sandbox: commands and files through its management API (behind the
// proxy), snapshot and destroy through the lifecycle API.
#pragma once

#include "drivers/tensorlake/sandbox_api.hpp"
#include "drivers/tensorlake/tensorlake_context.hpp"
#include "drivers/tensorlake/wire.hpp"
#include "http/semaphore.hpp"
#include "sbx/driver.hpp"

#include <memory>
#include <string>

namespace sbx::drivers::tensorlake {

/// The management API address of `record`: the proxy_url setting, else its sandbox_url.
/// Throws SandboxCreationError (op `op`) when there is neither.
sandbox_target target_of(const tensorlake_settings& settings, const sandbox_record& record, const char* op);

/// A live Tensorlake sandbox. Every command and file operation holds an exec slot of
/// the client's admission; destroy holds a destroy slot. Relative paths start at the
/// configured workdir (default /tmp). Tensorlake has no sandbox-wide environment: the
/// sandbox's env_vars travel with every command, under the exec's own overlay.
class tensorlake_sandbox final : public SandboxSession {
 public:
  /// Takes over the running sandbox `record` reached at `target`, whose commands get
  /// `env`; `running` is its running-sandbox slot (empty for a resumed sandbox), given
  /// back on destroy.
  tensorlake_sandbox(std::shared_ptr<tensorlake_context> context, sandbox_record record, sandbox_target target,
                     std::string workdir, env_map env, http::permit running);

  /// Tensorlake's sandbox id.
  const std::string& id() const override;
  /// The directory relative paths start from (the "workdir" driver option).
  const std::string& workdir() const override;

  /// See run_exec. Errors also: SandboxNotFoundError after destroy.
  awaitable<ExecStatus> exec(ExecRequest request) override;
  /// GET /api/v1/files/list. Errors: SandboxNotFoundError (missing path),
  /// SandboxExecutionError (a file, or a failed call).
  awaitable<std::vector<FileInfo>> list_files(std::string path) override;
  /// GET /api/v1/files (raw bytes). Errors: SandboxNotFoundError (missing file).
  awaitable<std::string> read_file(std::string path) override;
  /// PUT /api/v1/files (raw bytes; parents created by the sandbox).
  awaitable<void> write_file(std::string path, std::string content) override;

  /// POST /sandboxes/{id}/snapshot with the configured snapshot_type, then polls
  /// GET /snapshots/{id} until it is local_ready or completed (snapshot_wait) or the
  /// snapshot_timeout passes. Errors: SandboxExecutionError (failed snapshot),
  /// SandboxTimeoutError. Cancellation: the wait stops; the snapshot stays.
  awaitable<SnapshotInfo> snapshot() override;

  /// {"sandbox_id", "name", "sandbox_url", "routing_hint", "workdir", "env"}. No
  /// secret (the token is the client's).
  boost::json::object session_data() const override;
  /// DELETE /sandboxes/{id}; a sandbox already gone counts as destroyed. Idempotent.
  /// Errors: SandboxExecutionError (destroy may then be retried).
  awaitable<void> destroy() override;
  /// True once destroy() finished.
  bool destroyed() const override;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace sbx::drivers::tensorlake
