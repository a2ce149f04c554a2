// HTTP/1.1 client for one provider base URL: pooled keep-alive connections, retries,
// streamed bodies and protocol upgrades.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "http/endpoint.hpp"
#include "http/hijacked_stream.hpp"
#include "http/message.hpp"
#include "http/pool.hpp"
#include "http/retry.hpp"
#include "http/streamed_response.hpp"
#include "http/tls.hpp"

namespace sbx::http {

/// Settings of a client; defaults suit a cloud REST API.
struct client_options {
  /// Backend name put into every error ("e2b", "docker"); empty: none.
  std::string backend;
  retry_policy retry;
  tls_options tls;
  /// Deadline for resolve + connect + TLS handshake of one new connection.
  std::chrono::milliseconds connect_timeout{10'000};
  /// Default request::timeout.
  std::chrono::milliseconds request_timeout{60'000};
  /// Largest body client::send buffers; larger responses fail (use open_stream).
  std::uint64_t max_body_size = std::uint64_t{1} << 30;
  /// Sent unless the request sets its own User-Agent.
  std::string user_agent = "sbx";
};

/// Sends requests to one endpoint over a shared connection pool. Copies share state and
/// may be destroyed while their calls are pending. Not thread-safe: use the client and
/// its pool from one thread (or strand).
///
/// Retries (per client_options::retry): connection failures and 429/502/503/504 are
/// retried with full-jitter backoff, honouring Retry-After and Daytona's per-bucket
/// variants, when the request is idempotent. A non-idempotent request is retried only
/// when it provably was not processed: the connection could not be opened, a reused
/// keep-alive connection turned out closed before the request was fully written, or
/// the answer was 429 (unless retry_policy::retry_rate_limited_non_idempotent is off).
/// A stale reused connection is replaced once without counting as an attempt.
///
/// Errors: HTTP error statuses are returned, not thrown (after exhausted retries, the
/// last response). Transport failures throw sbx::SandboxConnectionError (context
/// `attempts`; `request_written=true` when a non-idempotent request may have been
/// processed, then not retryable), request timeouts sbx::SandboxTimeoutError. Messages
/// hold method, origin and path with query values redacted, never header values.
///
/// Cancellation: every call supports per-operation cancellation (e.g.
/// `co_await (c.send(r) || timer.async_wait(use_awaitable))`); the connection in use is
/// closed and boost::system::system_error(operation_aborted) is thrown.
class client {
 public:
  /// A client for `ep` using `pool`. Throws sbx::SandboxConfigurationError when the TLS
  /// settings cannot be loaded.
  client(std::shared_ptr<connection_pool> pool, endpoint ep, client_options options = {});
  /// A client for the base URL `url` (see parse_endpoint).
  client(std::shared_ptr<connection_pool> pool, std::string_view url, client_options options = {});

  /// Sends `req` and reads the whole response.
  boost::asio::awaitable<response> send(request req) const;

  /// Sends `req` and returns once the response header has arrived; the body is read
  /// from the result. Retries apply until then (a retried response's body is dropped).
  boost::asio::awaitable<streamed_response> open_stream(request req) const;

  /// Sends an upgrade request (e.g. Docker exec start with `Connection: Upgrade` and
  /// `Upgrade: tcp`) and takes the connection over after a 101 or 2xx header. Other
  /// statuses are read completely and returned in head() with upgraded() false.
  boost::asio::awaitable<hijacked_stream> upgrade(request req) const;

  const endpoint& target() const noexcept;
  const client_options& options() const noexcept;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace sbx::http
