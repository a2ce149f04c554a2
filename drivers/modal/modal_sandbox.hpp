// One Modal sandbox: commands, files and snapshots through its task command router,
// terminate through the control plane.
#pragma once

#include "drivers/modal/modal_context.hpp"
#include "http/semaphore.hpp"
#include "sbx/driver.hpp"

#include <memory>
#include <string>

namespace sbx::drivers::modal {

/// A live Modal sandbox. Every command and file operation holds an exec slot of the
/// client's admission; terminate holds a destroy slot. The router address and JWT are
/// fetched once, on first use.
class modal_sandbox final : public SandboxSession {
 public:
  /// Takes over the sandbox `sandbox_id` whose container is the task `task_id`;
  /// relative paths start at `workdir`; `running` is its running-sandbox slot (empty
  /// for a resumed sandbox), given back on destroy.
  modal_sandbox(std::shared_ptr<modal_context> context, std::string sandbox_id, std::string task_id,
                std::string workdir, http::permit running);

  /// Modal's sandbox id ("sb-...").
  const std::string& id() const override;
  /// The directory relative paths start from (the "workdir" driver option).
  const std::string& workdir() const override;

  /// See run_exec. Errors also: SandboxNotFoundError after destroy.
  awaitable<ExecStatus> exec(ExecRequest request) override;
  /// fs-tools ListFiles (see fs_list).
  awaitable<std::vector<FileInfo>> list_files(std::string path) override;
  /// fs-tools ReadFile (see fs_read).
  awaitable<std::string> read_file(std::string path) override;
  /// fs-tools WriteFile (see fs_write).
  awaitable<void> write_file(std::string path, std::string content) override;
  /// TaskSnapshotFilesystem: the image id, which CreateOptions::snapshot_id restores.
  /// The sandbox keeps running. Errors: SandboxExecutionError.
  awaitable<SnapshotInfo> snapshot() override;

  /// {"sandbox_id", "task_id", "workdir"}. No secret: resume fetches a router JWT again.
  boost::json::object session_data() const override;
  /// SandboxTerminate; a sandbox already gone counts as destroyed. Idempotent.
  /// Errors: SandboxExecutionError (destroy may then be retried).
  awaitable<void> destroy() override;
  /// True once destroy() finished.
  bool destroyed() const override;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace sbx::drivers::modal
