// One sandbox's toolbox (the daemon inside it) as the driver uses it, reached through
// the toolbox proxy: <toolboxProxyUrl>/<sandboxId>/<endpoint>, with the API key as
// Bearer token. Processes: /process/execute and sessions; files: /files/....
#pragma once

#include "drivers/daytona/daytona_settings.hpp"
#include "http/client.hpp"
#include "sbx/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sbx::drivers::daytona {

using boost::asio::awaitable;

/// The answer of /process/execute: exit code and stdout+stderr interleaved.
struct execute_result {
  int exit_code = 0;
  std::string output;
};

/// Toolbox calls for one sandbox. Errors: throw_error(service::toolbox, ...); transport
/// failures as http::client. Cancellation: supported by every call (operation_aborted).
class toolbox_client {
 public:
  /// `proxy_url` is the sandbox's toolboxProxyUrl.
  toolbox_client(std::shared_ptr<http::connection_pool> pool, const daytona_settings& settings,
                 const std::string& proxy_url, std::string sandbox_id);

  /// POST /process/execute: runs `command` through the daemon's shell; `timeout`
  /// (whole seconds, rounded up) makes the daemon kill it (then SandboxTimeoutError).
  awaitable<execute_result> execute(const std::string& command, std::optional<std::chrono::milliseconds> timeout,
                                    const char* op) const;

  /// POST /process/session: a new shell session `session_id`.
  awaitable<void> create_session(const std::string& session_id, const char* op) const;
  /// POST /process/session/{id}/exec with runAsync: starts `command`, returns its cmdId.
  awaitable<std::string> start_command(const std::string& session_id, const std::string& command,
                                       const char* op) const;
  /// GET /process/session/{id}/command/{cmdId}: the exit code once it has ended.
  awaitable<std::optional<int>> command_exit(const std::string& session_id, const std::string& command_id,
                                             const char* op) const;
  /// DELETE /process/session/{id}: the daemon kills the session's process group
  /// (SIGTERM, then SIGKILL) and forgets it. A session already gone is no error.
  awaitable<void> delete_session(const std::string& session_id, const char* op) const;

  /// GET /files/download with `Range: bytes=<offset>-`: the file's bytes from `offset`
  /// on (empty when there are none yet, or the file does not exist and `missing_ok`).
  /// Errors: SandboxNotFoundError for a missing file unless `missing_ok`.
  awaitable<std::string> download(const std::string& path, std::size_t offset, bool missing_ok, const char* op) const;
  /// POST /files/bulk-upload with one file (parents created, an existing file replaced).
  awaitable<void> upload(const std::string& path, std::string content, const char* op) const;
  /// GET /files?path=: the entries of a directory. Errors: SandboxNotFoundError for a
  /// missing one, SandboxExecutionError for a file.
  awaitable<std::vector<FileInfo>> list(const std::string& dir, const char* op) const;
  /// DELETE /files?path=&recursive=. A missing path is no error.
  awaitable<void> remove(const std::string& path, bool recursive, const char* op) const;

  /// Secrets that must never appear in errors (the API key).
  const std::vector<std::string>& secrets() const noexcept { return secrets_; }

 private:
  http::request make_request(http::verb method, std::string endpoint, const char* op) const;
  [[noreturn]] void fail(const http::response& response, const char* op, error_context context) const;

  http::client client_;
  std::string prefix_;  // "/<sandboxId>"
  std::string api_key_;
  std::vector<std::string> secrets_;
};

}  // namespace sbx::drivers::daytona
