// Tensorlake's lifecycle API (REST + JSON with a bearer token) as the driver uses it:
// sandboxes (create, get by id or name, list, delete) and snapshots.
#pragma once

#include "drivers/tensorlake/tensorlake_settings.hpp"
#include "drivers/tensorlake/wire.hpp"
#include "http/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sbx::drivers::tensorlake {

using boost::asio::awaitable;

/// The bearer and scope headers every Tensorlake request carries.
void add_auth_headers(http::request& request, const tensorlake_settings& settings);
/// The transport options of a Tensorlake client.
http::client_options client_options_of(const tensorlake_settings& settings);

/// What a create call came to: the sandbox (in whatever state the server's wait left
/// it), or an ambiguous failure after which the sandbox may or may not exist (the
/// caller resolves it by looking its name up).
struct create_attempt {
  std::optional<sandbox_record> created;
  std::string ambiguity;  // why the outcome is unknown
};

/// Lifecycle calls of one client. Idempotent calls (GET, DELETE) are retried by the
/// transport; the create POST only when it provably was not processed. Errors: see
/// throw_api_error; transport failures as http::client. Cancellation: supported by
/// every call (operation_aborted).
class lifecycle_api {
 public:
  lifecycle_api(std::shared_ptr<http::connection_pool> pool, const tensorlake_settings& settings);

  /// POST /sandboxes with `body` (the server waits up to `timeout` for the sandbox to
  /// run; a 504 carrying the sandbox JSON is an answer too). Ambiguous: a connection
  /// lost after sending, a request timeout, 409 (the name exists: an earlier attempt
  /// made it), or a 5xx without a sandbox. Throws for definite failures.
  awaitable<create_attempt> create(boost::json::object body, std::chrono::milliseconds timeout) const;

  /// GET /sandboxes/{id_or_name}. Errors: SandboxNotFoundError when there is none.
  awaitable<sandbox_record> get(const std::string& id_or_name, const char* op) const;
  /// Like get, but nullopt when there is none.
  awaitable<std::optional<sandbox_record>> find(const std::string& id_or_name, const char* op) const;
  /// DELETE /sandboxes/{id}. False when it was already gone.
  awaitable<bool> remove(const std::string& sandbox_id, const char* op) const;
  /// GET /sandboxes.
  awaitable<std::vector<sandbox_record>> list(const char* op) const;

  /// POST /sandboxes/{id}/snapshot {"snapshot_type"}: the new snapshot's id.
  awaitable<std::string> snapshot(const std::string& sandbox_id, const std::string& type) const;
  /// GET /snapshots/{id}.
  awaitable<snapshot_record> get_snapshot(const std::string& snapshot_id) const;

  /// Secrets that must never appear in errors (the token).
  const std::vector<std::string>& secrets() const noexcept { return secrets_; }

 private:
  http::request make_request(http::verb method, std::string target, const char* op) const;
  awaitable<boost::json::value> call(http::request request, error_context context) const;

  http::client client_;
  const tensorlake_settings& settings_;
  std::vector<std::string> secrets_;
};

}  // namespace sbx::drivers::tensorlake
