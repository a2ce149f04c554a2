// Request and response values exchanged with a provider.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <boost/beast/http/verb.hpp>

#include "http/fields.hpp"

namespace sbx::http {

using verb = boost::beast::http::verb;

/// One HTTP request, relative to a client's endpoint.
struct request {
  verb method = verb::get;
  /// Path and query, appended to the endpoint's base path: "/sandboxes?limit=10".
  std::string target = "/";
  /// Extra headers; mark credentials with fields::set_sensitive. Host, Content-Length
  /// and User-Agent are supplied by the client.
  fields headers;
  std::string body;
  /// Whether repeating the request is harmless. Unset: GET, HEAD, PUT, DELETE, OPTIONS
  /// and TRACE are idempotent, POST and PATCH are not.
  std::optional<bool> idempotent;
  /// Deadline of one attempt (connect excluded): until the whole response for
  /// client::send, until the response header for open_stream/upgrade. Unset: the
  /// client's default.
  std::optional<std::chrono::milliseconds> timeout;
  /// Operation name put into errors ("create", "exec", ...). Unset: none.
  std::optional<std::string> op;
};

/// A buffered response. Error statuses are responses, not exceptions.
struct response {
  unsigned status = 0;
  fields headers;
  std::string body;
};

/// The effective idempotency of `req` (its flag, else the method's semantics).
bool is_idempotent(const request& req) noexcept;

}  // namespace sbx::http
