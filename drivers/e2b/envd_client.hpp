// envd, the agent inside an E2B sandbox, as the driver uses it: unary Connect calls
// (JSON), the process.Process/Start server stream, and /files for file content.
#pragma once

#include "drivers/e2b/e2b_settings.hpp"
#include "http/client.hpp"
#include "sbx/errors.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::e2b {

using boost::asio::awaitable;

/// How to reach one sandbox's envd.
struct envd_target {
  std::string base_url;  // see envd_base_url
  std::string sandbox_id;
  std::optional<std::string> access_token;  // X-Access-Token (a secret)
  std::optional<std::string> user;          // Linux user; unset: the template's default
  std::string envd_version;
};

/// envd calls for one sandbox. Every request carries X-Access-Token, E2b-Sandbox-Id and
/// E2b-Sandbox-Port, and, when a user is set, Authorization: Basic <user:>. Errors:
/// throw_envd_error's mapping; transport failures as http::client. Cancellation:
/// supported by every call (operation_aborted).
class envd_client {
 public:
  envd_client(std::shared_ptr<http::connection_pool> pool, const e2b_settings& settings, envd_target target);

  /// POST /<service>/<Method> with a JSON body; the JSON answer. `idempotent` lets the
  /// transport retry it.
  awaitable<boost::json::value> call(std::string_view method, const boost::json::object& body, bool idempotent,
                                     const char* op, error_context context = {}) const;

  /// Starts process.Process/Start with `start_request` and returns the open stream (HTTP
  /// 200). `deadline` becomes Connect-Timeout-Ms: envd kills the command when it passes.
  awaitable<http::streamed_response> start(const boost::json::object& start_request,
                                           std::optional<std::chrono::milliseconds> deadline, const char* op) const;

  /// GET /files: the whole file. Errors: SandboxNotFoundError when it does not exist.
  awaitable<std::string> read_file(const std::string& path) const;
  /// POST /files (raw bytes on envd >= 0.5.7, else one multipart part); parents are
  /// created by envd.
  awaitable<void> write_file(const std::string& path, std::string content) const;

  const envd_target& target() const noexcept { return target_; }
  /// Secrets that must never appear in errors (API key, access token).
  const std::vector<std::string>& secrets() const noexcept { return secrets_; }

 private:
  http::request make_request(std::string target, const char* op) const;
  std::string files_target(const std::string& path) const;

  http::client client_;
  envd_target target_;
  std::vector<std::string> secrets_;
};

}  // namespace sbx::drivers::e2b
