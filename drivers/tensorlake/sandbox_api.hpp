// One sandbox's management API behind Tensorlake's proxy (the sandbox_url of the
// sandbox, or the proxy_url override): the process run stream, process kill, and the
// binary-safe files endpoints.
#pragma once

#include "drivers/tensorlake/tensorlake_settings.hpp"
#include "http/client.hpp"
#include "http/streamed_response.hpp"
#include "sbx/types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sbx::drivers::tensorlake {

using boost::asio::awaitable;

/// How to reach one sandbox.
struct sandbox_target {
  std::string base_url;  // sandbox_url, or the proxy_url override
  std::string sandbox_id;
  std::optional<std::string> routing_hint;
};

/// Management calls for one sandbox. Every request carries the bearer token,
/// X-Tensorlake-Sandbox-Id and, when known, X-Tensorlake-Route-Hint. Errors:
/// throw_api_error's mapping; transport failures as http::client. Cancellation:
/// supported by every call (operation_aborted).
class sandbox_api {
 public:
  sandbox_api(std::shared_ptr<http::connection_pool> pool, const tensorlake_settings& settings, sandbox_target target);

  /// POST /api/v1/processes/run with `body`; the open SSE stream (HTTP 200). Never
  /// retried once it may have reached the sandbox (it would run the command twice).
  awaitable<http::streamed_response> run(const boost::json::object& body, const char* op) const;
  /// DELETE /api/v1/processes/{pid}: kills a process. False when it was gone already.
  awaitable<bool> kill_process(int pid) const;

  /// GET /api/v1/files?path=: the whole file. Errors: SandboxNotFoundError when
  /// missing, SandboxExecutionError for a directory.
  awaitable<std::string> read_file(const std::string& path) const;
  /// PUT /api/v1/files?path= with the raw bytes (parents are created by the sandbox).
  awaitable<void> write_file(const std::string& path, std::string content) const;
  /// DELETE /api/v1/files?path=. False when it was missing.
  awaitable<bool> delete_file(const std::string& path) const;
  /// GET /api/v1/files/list?path=: the entries as full paths.
  awaitable<std::vector<FileInfo>> list_dir(const std::string& path) const;

  const sandbox_target& target() const noexcept { return target_; }

 private:
  http::request make_request(http::verb method, std::string target, const char* op) const;

  http::client client_;
  const tensorlake_settings& settings_;
  sandbox_target target_;
  std::vector<std::string> secrets_;
};

}  // namespace sbx::drivers::tensorlake
