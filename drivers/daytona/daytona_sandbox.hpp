// One Daytona sandbox: commands and files through its toolbox, deletion through the
// REST API, and the end of its lifetime.
#pragma once

#include "drivers/daytona/daytona_context.hpp"
#include "drivers/daytona/wire.hpp"
#include "http/semaphore.hpp"
#include "sbx/driver.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace sbx::drivers::daytona {

/// A live Daytona sandbox. Every command and file operation holds an exec slot of the
/// client's admission; destroy holds a destroy slot. Relative paths start at the
/// configured workdir (default /home/daytona).
class daytona_sandbox final : public SandboxSession {
 public:
  /// Takes over the started sandbox `record`, whose relative paths start at `workdir`;
  /// `running` is its running-sandbox slot (empty for a resumed sandbox), given back on
  /// destroy. At `expires_at` (when set) this client deletes the sandbox: Daytona's own
  /// backstop (autoStop in whole minutes of inactivity, then autoDelete) is coarser.
  daytona_sandbox(std::shared_ptr<daytona_context> context, sandbox_record record, std::string workdir,
                  http::permit running, std::optional<std::chrono::system_clock::time_point> expires_at);

  /// Daytona's sandbox id.
  const std::string& id() const override;
  /// The directory relative paths start from (the "workdir" driver option).
  const std::string& workdir() const override;

  /// See run_exec. Errors also: SandboxNotFoundError after destroy or the lifetime's end.
  awaitable<ExecStatus> exec(ExecRequest request) override;
  /// GET /files. Errors: SandboxNotFoundError (missing path), SandboxExecutionError (a
  /// file, or toolbox failures).
  awaitable<std::vector<FileInfo>> list_files(std::string path) override;
  /// GET /files/download. Errors: SandboxNotFoundError (missing file), SandboxExecutionError.
  awaitable<std::string> read_file(std::string path) override;
  /// POST /files/bulk-upload (parents created). Errors: SandboxExecutionError.
  awaitable<void> write_file(std::string path, std::string content) override;

  /// {"sandbox_id", "workdir"}. No secret.
  boost::json::object session_data() const override;
  /// DELETE /sandbox/{id}; a sandbox already gone counts as destroyed. Idempotent.
  /// Errors: SandboxExecutionError (destroy may then be retried).
  awaitable<void> destroy() override;
  /// True once destroy() finished or the lifetime ended.
  bool destroyed() const override;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace sbx::drivers::daytona
