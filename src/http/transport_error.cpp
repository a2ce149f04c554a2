#include "http/transport_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "http/redact.hpp"
#include "sbx/errors.hpp"

namespace sbx::http {
namespace {

namespace beast = boost::beast;

bool is_timeout(const boost::system::error_code& ec) noexcept { return ec == beast::error::timeout; }

bool is_size_limit(const boost::system::error_code& ec) noexcept {
  return ec == beast::http::error::body_limit || ec == beast::http::error::header_limit ||
         ec == beast::http::error::buffer_overflow;
}

/// Malformed responses and TLS failures (other than a truncated stream) will not
/// improve by trying again.
bool is_permanent(const boost::system::error_code& ec) noexcept {
  if (ec == boost::asio::ssl::error::stream_truncated) return false;
  if (ec.category() == boost::asio::error::get_ssl_category()) return true;
  if (ec.category() == beast::http::make_error_code(beast::http::error::end_of_stream).category())
    return ec != beast::http::error::end_of_stream && ec != beast::http::error::partial_message;
  return false;
}

}  // namespace

bool is_retryable_error(const boost::system::error_code& ec, phase where) noexcept {
  if (is_timeout(ec)) return where == phase::connect;
  return !is_size_limit(ec) && !is_permanent(ec);
}

void throw_transport_error(const boost::system::error_code& ec, phase where, const failure_site& site) {
  error_info info;
  if (!site.backend->empty()) info.backend = *site.backend;
  info.op = site.req->op;
  info.context["attempts"] = std::to_string(site.attempts);
  const bool written = where == phase::read || where == phase::stream;
  if (written && !is_idempotent(*site.req)) info.context["request_written"] = "true";
  const std::string what = describe(*site.req, *site.ep);

  if (is_timeout(ec) && where != phase::connect)
    throw SandboxTimeoutError(what + ": timed out waiting for the server", std::move(info));
  if (is_size_limit(ec))
    throw SandboxExecutionError(what + ": response too large (" + ec.message() + ")", std::move(info));
  if (!is_retryable_error(ec, where) || (written && !is_idempotent(*site.req)))
    info.retryable = false;
  const char* stage = where == phase::connect ? "cannot connect" : "connection failed";
  const std::string reason = is_timeout(ec) ? std::string("connect timed out") : ec.message();
  throw SandboxConnectionError(what + ": " + stage + " (" + reason + ")", std::move(info));
}

}  // namespace sbx::http
