// One sandbox of the `local` backend: a private directory on the host in which
// commands run as ordinary subprocesses (no isolation; absolute paths are host paths).
#pragma once

#include "drivers/local/local_flavor.hpp"
#include "drivers/local/sandbox_layout.hpp"
#include "process/environment.hpp"
#include "sbx/driver.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace sbx::drivers::local {

/// The host side of a local sandbox; session_data() holds exactly this.
struct local_sandbox_config {
  sandbox_paths paths;  // where its pieces live (see sandbox_layout.hpp)
  std::string workdir;  // absolute host path: paths.own_workdir() or the caller's
  env_map env_vars;     // the caller's overlay over the host environment
  std::optional<std::chrono::system_clock::time_point> deadline;  // end of its lifetime
  boost::json::object settings;  // a flavor's per-sandbox settings (see local_flavor.hpp)
};

/// A live local sandbox.
///
/// Commands get the host environment (as the driver saw it when it was made),
/// overlaid by env_vars, then HOME=SANDBOX_ROOT=workdir and TMPDIR=<base>/<id>.tmp,
/// then the per-exec overlay. Each command leads its own process group; destroy() kills
/// every group the sandbox started that still has members (including background
/// processes), then removes the sandbox's directories and record (emptied and kept as
/// spares for the driver's next sandboxes).
///
/// Lifetime: when a deadline is set, a timer on the driver's executor destroys the
/// sandbox at that time even if nobody calls destroy(). It only works while this
/// process runs and its executor is driven; after a crash, sweep removes the rest.
/// A session dropped without destroy() leaves the sandbox on disk for resume().
///
/// File operations are synchronous host I/O on the calling thread.
class local_sandbox final : public SandboxSession {
 public:
  /// Takes over the sandbox directory described by `config` and arms its lifetime
  /// timer on `executor`. Its directories and record go to `spares` when it ends. A
  /// `flavor` with a wrapper rewrites every command.
  local_sandbox(boost::asio::any_io_executor executor, local_sandbox_config config,
                std::shared_ptr<const process::environment> host_env, std::shared_ptr<spare_pool> spares,
                std::shared_ptr<const local_flavor> flavor = nullptr);
  ~local_sandbox() override;

  const std::string& id() const override;
  const std::string& workdir() const override;
  /// <base>/<id>.tmp: run_code programs and transfer archives stay in the sandbox.
  const std::string& scratch_dir() const override;

  /// Runs request.argv (no shell) in request.cwd. Timeout and cancellation kill the
  /// command's process group (see process::run_process). Errors:
  /// SandboxNotFoundError after destroy, SandboxExecutionError when the system cannot
  /// start processes; a missing program is exit code 127, not an error.
  awaitable<ExecStatus> exec(ExecRequest request) override;

  /// Errors: SandboxNotFoundError (missing path), SandboxExecutionError (a file, or
  /// unreadable).
  awaitable<std::vector<FileInfo>> list_files(std::string path) override;
  /// Errors: SandboxNotFoundError (missing), SandboxExecutionError (a directory...).
  awaitable<std::string> read_file(std::string path) override;
  /// Errors: SandboxExecutionError.
  awaitable<void> write_file(std::string path, std::string content) override;
  /// Copies with std::filesystem, keeping mode bits. Errors: SandboxNotFoundError
  /// (no such local file), SandboxExecutionError.
  awaitable<void> upload_file(std::filesystem::path local, std::string remote) override;
  /// Copies with std::filesystem, keeping mode bits, creating local parents. Errors:
  /// SandboxNotFoundError (no such sandbox file), SandboxExecutionError.
  awaitable<void> download_file(std::string remote, std::filesystem::path local) override;

  /// {"base", "id", "workdir", "owns_workdir", "env_vars" (the overlay only; the host
  /// environment is not saved), "deadline" (ISO 8601 UTC or null), "settings"}.
  boost::json::object session_data() const override;
  /// Kills the sandbox's process groups and removes its directories and record (a
  /// caller's own workdir is kept). Idempotent. Errors: SandboxExecutionError when a
  /// directory cannot be removed (destroy may then be retried).
  awaitable<void> destroy() override;
  bool destroyed() const override;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace sbx::drivers::local
