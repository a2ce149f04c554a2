// sbx::Sandbox: a move-only handle to one live sandbox.
#pragma once

#include "sbx/driver.hpp"
#include "sbx/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sbx {

/// How upload_dir/download_dir move a tree: one tar.gz archive, file by file, or
/// the archive when the sandbox has `tar` and file by file otherwise.
enum class transfer_method { automatic, tar, per_file };

namespace detail {
struct sandbox_state;
}

/// One live sandbox. Obtained from Client::create or Client::resume.
///
/// Every operation is a coroutine on the caller's executor and honours Asio
/// per-operation cancellation: cancelling an exec kills its processes in the sandbox.
/// Several operations may run on one sandbox at once. After destroy() every operation
/// throws SandboxError("Sandbox has been destroyed").
///
/// Relative paths (in file operations and as exec cwd) resolve against workdir().
/// A Sandbox dropped while alive is destroyed in the background on its executor.
class Sandbox {
 public:
  Sandbox(Sandbox&&) noexcept;
  Sandbox& operator=(Sandbox&&) noexcept;
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;
  ~Sandbox();

  /// Backend name, e.g. "local".
  const std::string& backend_name() const;
  /// Provider id of the sandbox.
  const std::string& id() const;
  /// Absolute path commands start in.
  const std::string& workdir() const;
  /// False once destroy() was called.
  bool is_alive() const;

  /// Runs `command` with /bin/sh -c. Returns the exact output bytes (each stream up to
  /// options.max_output_bytes, 256 MiB by default: beyond it output_truncated is set and
  /// the rest is discarded while the command runs on) and exit code; a non-zero exit is
  /// a result. On timeout (options, else the client's exec_timeout)
  /// the whole process tree is killed and the partial output returned with
  /// timed_out=true, exit_code=124. Errors: SandboxExecutionError if the command could
  /// not be started or the provider failed.
  awaitable<ExecResult> exec(std::string command, ExecOptions options = {});
  /// Runs an argument vector with no shell: each argument reaches the program as-is.
  awaitable<ExecResult> exec(argv command, ExecOptions options = {});

  /// Like exec, but hands each output chunk to `on_output` as it arrives. The returned
  /// result carries exit code, timed_out and duration; its output fields stay empty.
  awaitable<ExecResult> exec_stream(std::string command, output_handler on_output,
                                    ExecOptions options = {});
  awaitable<ExecResult> exec_stream(argv command, output_handler on_output,
                                    ExecOptions options = {});

  /// Runs `code` in a fresh interpreter for `language` (python, node/javascript,
  /// typescript, ruby, bash, sh, perl, go, php, lua, r, or any interpreter name that
  /// takes a program file). The code travels as a file, so its size is unbounded.
  /// Errors: SandboxExecutionError naming the interpreter when it is absent.
  awaitable<ExecResult> run_code(std::string code, std::string language = "python",
                                 ExecOptions options = {});

  /// Runs `command` and parses a T from its stdout (rules in structured.hpp).
  /// Errors: CommandFailedError on a non-zero exit (carrying exit code, stdout and
  /// stderr); SandboxExecutionError when no JSON object converts (naming the field).
  template <class T>
  awaitable<T> exec_as(std::string command, ExecOptions options = {});
  /// Argument-vector form; with `inject_schema`, json_schema<T>() is appended (after a
  /// space) to the last argument, e.g. an agent's prompt.
  template <class T>
  awaitable<T> exec_as(argv command, ExecOptions options = {}, bool inject_schema = false);
  /// run_code, then parse a T from its stdout as exec_as does.
  template <class T>
  awaitable<T> run_code_as(std::string code, std::string language = "python", ExecOptions options = {});

  /// Entries of a directory: full paths, sorted by path. Errors: SandboxNotFoundError
  /// (missing path), SandboxExecutionError (not a directory).
  awaitable<std::vector<FileInfo>> list_files(std::string path = ".");
  /// Whole file as bytes. Errors: SandboxNotFoundError when missing.
  awaitable<std::string> read_file(std::string path);
  /// Writes bytes, creating missing parent directories.
  awaitable<void> write_file(std::string path, std::string content);
  /// Copies a host file into the sandbox (mode bits kept, parents created).
  awaitable<void> upload_file(std::filesystem::path local_path, std::string remote_path);
  /// Copies a sandbox file to the host, creating missing local parents.
  awaitable<void> download_file(std::string remote_path, std::filesystem::path local_path);
  /// Copies a host tree in (regular files, empty dirs, exec bits; symlinks skipped).
  /// Returns the number of files. Errors: SandboxConfigurationError (no such local
  /// dir), WorkspaceError (transfer failed).
  awaitable<std::size_t> upload_dir(std::filesystem::path local_dir, std::string remote_dir,
                                    transfer_method method = transfer_method::automatic);
  /// Copies a sandbox tree to the host. Archive members with absolute paths, `..`,
  /// links or devices are refused (WorkspaceError) and nothing is written outside
  /// `local_dir`. Returns the number of files.
  awaitable<std::size_t> download_dir(std::string remote_dir, std::filesystem::path local_dir,
                                      transfer_method method = transfer_method::automatic);

  /// Takes a provider snapshot that CreateOptions::snapshot_id restores.
  /// Errors: FeatureNotSupportedError where the backend has none.
  awaitable<SnapshotInfo> snapshot();
  /// What Client::resume needs to reattach from another process.
  SessionState session_state() const;
  /// Ends the sandbox. Idempotent; never throws for an already gone sandbox.
  awaitable<void> destroy();

  /// The driver's session (for drivers' own tests and extensions).
  SandboxSession& session();

 private:
  friend class Client;
  friend class SandboxFactory;
  explicit Sandbox(std::shared_ptr<detail::sandbox_state> state);
  detail::sandbox_state& live() const;

  std::shared_ptr<detail::sandbox_state> state_;
};

}  // namespace sbx

#include "sbx/impl/sandbox_structured.hpp"
