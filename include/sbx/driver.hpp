// The interface every backend implements. Users of the library never call it
// directly; sbx::Client and sbx::Sandbox wrap it with the shared behaviour (path
// resolution, run_code, creation order, directory transfer, error context).
//
// A driver receives absolute, normalised sandbox paths and fully resolved options.
#pragma once

#include "sbx/capabilities.hpp"
#include "sbx/options.hpp"
#include "sbx/types.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sbx {

template <class T>
using awaitable = boost::asio::awaitable<T>;

/// One command to run, after the core has applied its rules.
struct ExecRequest {
  std::vector<std::string> argv;  // argv[0] is looked up on the sandbox PATH
  env_map env;                    // per-exec overlay, over the sandbox's env_vars
  std::string cwd;                // absolute sandbox path
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<std::string> stdin_data;
  output_handler on_output;  // always set: every chunk goes through it
};

/// How a command ended. Output went through ExecRequest::on_output.
struct ExecStatus {
  int exit_code = 0;
  bool timed_out = false;
};

/// One live sandbox of a backend.
///
/// Contract for implementers: exec must kill the command's whole process tree on
/// timeout and on cancellation (then return exit 124 / rethrow operation_aborted);
/// destroy is idempotent and never throws for "already gone"; every error is an
/// sbx exception carrying backend and op.
class SandboxSession {
 public:
  virtual ~SandboxSession() = default;

  /// Provider id of the sandbox (container id, sandbox id, directory name...).
  virtual const std::string& id() const = 0;
  /// Absolute sandbox path that relative paths and commands start from.
  virtual const std::string& workdir() const = 0;
  /// Absolute sandbox directory for the library's short-lived files (run_code
  /// programs, transfer archives). Default: "/tmp".
  virtual const std::string& scratch_dir() const;

  virtual awaitable<ExecStatus> exec(ExecRequest request) = 0;

  /// Entries directly inside the directory `path`, any order. Throws
  /// SandboxNotFoundError for a missing path, SandboxExecutionError for a file.
  virtual awaitable<std::vector<FileInfo>> list_files(std::string path) = 0;
  /// Whole file. Throws SandboxNotFoundError for a missing file.
  virtual awaitable<std::string> read_file(std::string path) = 0;
  /// Creates missing parent directories; replaces an existing file.
  virtual awaitable<void> write_file(std::string path, std::string content) = 0;

  /// Copies a host file in, keeping its mode bits. Default: read + write_file + chmod.
  virtual awaitable<void> upload_file(std::filesystem::path local, std::string remote);
  /// Copies a sandbox file out. Default: read_file + local write.
  virtual awaitable<void> download_file(std::string remote, std::filesystem::path local);

  /// Extracts a tar.gz archive into `dir` (created if missing). Default: write the
  /// archive next to the workdir and run `tar -xzf` in the sandbox.
  virtual awaitable<void> extract_archive(std::string dir, std::string tar_gz);
  /// Packs `dir` into a tar.gz archive. Default: `tar -czf` in the sandbox + read_file.
  virtual awaitable<std::string> create_archive(std::string dir);
  /// True when extract_archive/create_archive work without `tar` in the sandbox
  /// (e.g. Docker's archive API). Default: false.
  virtual bool archives_without_tar() const;

  /// Default: FeatureNotSupportedError.
  virtual awaitable<SnapshotInfo> snapshot();
  /// "host:port" where the host reaches sandbox port `port`. Default:
  /// FeatureNotSupportedError.
  virtual awaitable<std::string> expose_port(int port);
  /// Driver-specific resume data (see Driver::resume).
  virtual boost::json::object session_data() const = 0;
  /// Ends the sandbox and frees everything it holds. Idempotent.
  virtual awaitable<void> destroy() = 0;
  /// True once destroy finished or the provider reported the sandbox gone.
  virtual bool destroyed() const = 0;
};

/// What a sweep found and removed.
struct SweepReport {
  std::vector<std::string> removed;  // provider ids of removed orphans
  std::size_t kept = 0;              // live sandboxes owned by running processes
};

/// A backend: creates, resumes and sweeps sandboxes. One per Client.
class Driver {
 public:
  virtual ~Driver() = default;

  virtual const std::string& name() const = 0;
  virtual const Capabilities& capabilities() const = 0;

  /// Prepares the driver (connects, negotiates versions). Default: nothing.
  virtual awaitable<void> start();
  /// Creates a sandbox. On failure everything the provider allocated is released.
  virtual awaitable<std::unique_ptr<SandboxSession>> create(const ResolvedOptions& options) = 0;
  /// Reattaches to the sandbox described by `data` (from session_data()).
  virtual awaitable<std::unique_ptr<SandboxSession>> resume(const boost::json::object& data) = 0;
  /// Removes sandboxes carrying this library's owner labels whose owner process is
  /// gone or whose lifetime passed. Default: FeatureNotSupportedError.
  virtual awaitable<SweepReport> sweep();
};

}  // namespace sbx
