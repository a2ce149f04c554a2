// The E2B control plane (REST with X-API-Key) as the driver uses it.
#pragma once

#include "create_once.hpp"
#include "drivers/e2b/e2b_settings.hpp"
#include "drivers/e2b/wire.hpp"
#include "http/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sbx::drivers::e2b {

using boost::asio::awaitable;

/// What a create call came to (see detail::create_attempt): for E2B a refusal is a
/// 503 (no capacity); an ambiguity is resolved by listing the create's nonce.
using create_attempt = detail::create_attempt<sandbox_record>;

/// Control-plane calls of one client. Idempotent calls (GET, DELETE) are retried by the
/// transport; the create POST is not (see create_sandbox). Not thread-safe, like the
/// pool it uses. Errors: see throw_api_error; transport failures as http::client.
class control_api {
 public:
  control_api(std::shared_ptr<http::connection_pool> pool, const e2b_settings& settings);

  /// POST /sandboxes with `body`. Returns the sandbox; a refusal for 503 (E2B had no
  /// capacity: nothing was made); or an ambiguous outcome for a connection lost after
  /// the request was sent, a request timeout, or another 5xx answer. Throws for
  /// definite failures (4xx, 429 once the transport's retries are spent, no connection).
  /// Cancellation: supported (operation_aborted); the outcome is then unknown too.
  awaitable<create_attempt> create(boost::json::object body, std::chrono::milliseconds timeout) const;

  /// GET /sandboxes/{id}. Errors: SandboxNotFoundError when it does not exist.
  awaitable<sandbox_record> get(const std::string& sandbox_id, const char* op) const;

  /// DELETE /sandboxes/{id}. False when the sandbox was already gone.
  awaitable<bool> kill(const std::string& sandbox_id, const char* op) const;

  /// Every running sandbox whose metadata holds all of `filter` (all pages of
  /// GET /v2/sandboxes).
  awaitable<std::vector<sandbox_record>> list(const env_map& filter, const char* op) const;

  /// Secrets that must never appear in errors (the API key).
  const std::vector<std::string>& secrets() const noexcept { return secrets_; }

 private:
  http::request make_request(http::verb method, std::string target, const char* op) const;

  http::client client_;
  std::string api_key_;
  std::vector<std::string> secrets_;
};

}  // namespace sbx::drivers::e2b
