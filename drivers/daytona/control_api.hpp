// The Daytona REST API (Bearer API key) as the driver uses it: create, get, delete and
// list sandboxes.
#pragma once

#include "create_once.hpp"
#include "drivers/daytona/daytona_settings.hpp"
#include "drivers/daytona/wire.hpp"
#include "http/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace sbx::drivers::daytona {

using boost::asio::awaitable;

/// REST calls of one client. Idempotent calls (GET, DELETE) are retried by the
/// transport, honouring Daytona's Retry-After-<bucket> and X-RateLimit-Reset-<bucket>
/// headers; the create POST only when provably not processed (a 429 included). Not
/// thread-safe, like the pool it uses. Errors: see throw_error; transport failures as
/// http::client. Cancellation: every call supports it (operation_aborted).
class control_api {
 public:
  control_api(std::shared_ptr<http::connection_pool> pool, const daytona_settings& settings);

  /// POST /sandbox with `body`. Returns the sandbox (in whatever state it is); a
  /// refusal for 503 (nothing was made); or an ambiguous outcome for a connection lost
  /// after the request was sent, no answer within `timeout`, or another 5xx. Throws for
  /// definite failures (4xx, 429 once the transport's retries are spent, no connection).
  awaitable<detail::create_attempt<sandbox_record>> create(boost::json::object body,
                                                           std::chrono::milliseconds timeout) const;

  /// GET /sandbox/{id}. Errors: SandboxNotFoundError when it does not exist.
  awaitable<sandbox_record> get(const std::string& sandbox_id, const char* op) const;

  /// DELETE /sandbox/{id}. False when the sandbox was already gone.
  awaitable<bool> remove(const std::string& sandbox_id, const char* op) const;

  /// Every sandbox carrying all labels of `filter` (all pages of GET /sandbox).
  awaitable<std::vector<sandbox_record>> list(const env_map& filter, const char* op) const;

  /// Secrets that must never appear in errors (the API key).
  const std::vector<std::string>& secrets() const noexcept { return secrets_; }

 private:
  http::request make_request(http::verb method, std::string target, const char* op) const;

  http::client client_;
  std::string api_key_;
  std::vector<std::string> secrets_;
};

/// The http::client_options of every Daytona client (API and toolbox).
http::client_options client_options_of(const daytona_settings& settings);

}  // namespace sbx::drivers::daytona
