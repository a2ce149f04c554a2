// One sandbox of the `docker` backend: a running container of this library.
#pragma once

#include "drivers/docker/engine.hpp"
#include "http/semaphore.hpp"
#include "sbx/driver.hpp"

#include <memory>
#include <string>

namespace sbx::drivers::docker {

/// What a session needs to know about its container; session_data() holds the id.
struct docker_sandbox_config {
  std::string container_id;  // full 64-hex id
  std::string workdir;       // the container's WorkingDir
  bool copy_owner = false;   // the image runs as a non-root user: uploads get its uid/gid
};

/// A live container. Commands run as exec instances (see exec_runner.hpp); files go
/// through the archive endpoints, so writes and reads need no tools in the image;
/// list_files runs find (or a shell loop) in the container. Every operation takes an
/// exec slot of the driver's admission limits; destroy takes a destroy slot.
class docker_sandbox final : public SandboxSession {
 public:
  /// `running` is the driver's running-sandbox permit, given back on destroy.
  docker_sandbox(std::shared_ptr<engine> daemon, docker_sandbox_config config, http::permit running);

  const std::string& id() const override;
  const std::string& workdir() const override;

  /// See run_exec. Errors: SandboxNotFoundError once the container is gone (destroyed,
  /// or its lifetime ended), SandboxExecutionError, SandboxConnectionError.
  awaitable<ExecStatus> exec(ExecRequest request) override;

  /// Errors: SandboxNotFoundError (missing path), SandboxExecutionError (not a
  /// directory, or the listing failed).
  awaitable<std::vector<FileInfo>> list_files(std::string path) override;
  /// GET archive of the file (symlinks followed), held once in memory. Errors:
  /// SandboxNotFoundError (missing), SandboxExecutionError (a directory...).
  awaitable<std::string> read_file(std::string path) override;
  /// One PUT of a one-file archive at "/": the daemon creates missing parents (0755).
  /// The file gets mode 0644. Errors: SandboxNotFoundError (container gone),
  /// SandboxExecutionError (e.g. a parent is a file).
  awaitable<void> write_file(std::string path, std::string content) override;
  /// As write_file with the local file's permission bits, in one request.
  awaitable<void> upload_file(std::filesystem::path local, std::string remote) override;

  /// One PUT of the tar.gz into `dir` (created first, with parents, when missing).
  /// Errors: WorkspaceError when `dir` is not a directory, otherwise as write_file.
  awaitable<void> extract_archive(std::string dir, std::string tar_gz) override;
  /// One GET of "<dir>/.": the directory's entries, gzip-compressed here. Errors:
  /// SandboxNotFoundError (missing), SandboxExecutionError (not a directory).
  awaitable<std::string> create_archive(std::string dir) override;
  /// True: archives go through the Engine API, not through tar in the container.
  bool archives_without_tar() const override;

  /// POST /commit: snapshot_id is the new image id, usable as snapshot_id or image.
  /// Errors: SandboxNotFoundError, SandboxExecutionError.
  awaitable<SnapshotInfo> snapshot() override;
  /// {"container_id": "<id>"}.
  boost::json::object session_data() const override;
  /// DELETE /containers/{id}?force=true: kills and removes the container. Idempotent;
  /// a container already gone is fine. Errors: SandboxExecutionError (may be retried).
  awaitable<void> destroy() override;
  bool destroyed() const override;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace sbx::drivers::docker
