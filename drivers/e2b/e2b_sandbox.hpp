// One E2B sandbox: commands and files through its envd, destroy through the control
// plane.
#pragma once

#include "drivers/e2b/e2b_context.hpp"
#include "drivers/e2b/wire.hpp"
#include "http/semaphore.hpp"
#include "sbx/driver.hpp"

#include <memory>
#include <string>

namespace sbx::drivers::e2b {

/// A live E2B sandbox. Every command and file operation holds an exec slot of the
/// client's admission; destroy holds a destroy slot. Commands run as the configured
/// user (else the template's), relative paths start at the configured workdir
/// (default /home/user).
class e2b_sandbox final : public SandboxSession {
 public:
  /// Takes over the sandbox `record`, whose relative paths start at `workdir`;
  /// `running` is its running-sandbox slot (empty for a resumed sandbox), given back on
  /// destroy.
  e2b_sandbox(std::shared_ptr<e2b_context> context, sandbox_record record, std::string workdir,
              http::permit running);

  /// E2B's sandbox id.
  const std::string& id() const override;
  /// The directory relative paths start from (the "workdir" driver option).
  const std::string& workdir() const override;

  /// See run_exec. Errors also: SandboxNotFoundError after destroy.
  awaitable<ExecStatus> exec(ExecRequest request) override;
  /// filesystem.Filesystem/ListDir (depth 1). Errors: SandboxNotFoundError (missing
  /// path), SandboxExecutionError (a file, or envd failures).
  awaitable<std::vector<FileInfo>> list_files(std::string path) override;
  /// GET /files. Errors: SandboxNotFoundError (missing file), SandboxExecutionError.
  awaitable<std::string> read_file(std::string path) override;
  /// POST /files (parents created by envd). Errors: SandboxExecutionError.
  awaitable<void> write_file(std::string path, std::string content) override;

  /// {"sandbox_id", "template_id", "domain" (or null), "workdir"}. No secret: resume
  /// fetches the envd access token again.
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

}  // namespace sbx::drivers::e2b
