// Maps transport error codes to sbx exceptions with secret-free messages (internal).
#pragma once

#include <string>

#include <boost/system/error_code.hpp>

#include "http/endpoint.hpp"
#include "http/message.hpp"

namespace sbx::http {

/// Where an attempt failed.
enum class phase { connect, write, read, stream };

/// What an error message may say about the failed exchange.
struct failure_site {
  const request* req;           // method, target and op; headers and body never used
  const endpoint* ep;
  const std::string* backend;   // empty: none
  unsigned attempts = 1;
};

/// Owned copies of what a failure_site points to, for objects that outlive the call
/// that made them (streams). Holds no headers and no body.
struct site_copy {
  request req;
  endpoint ep;
  std::string backend;

  site_copy(const request& r, const endpoint& e, const std::string& b)
      : req{.method = r.method, .target = r.target, .idempotent = is_idempotent(r), .op = r.op},
        ep(e),
        backend(b) {}
  failure_site view() const noexcept { return {&req, &ep, &backend}; }
};

/// True for failures another attempt may cure: connection refused/reset/closed,
/// resolve and connect timeouts, DNS errors. False for request timeouts, TLS
/// verification and protocol errors, oversized responses.
bool is_retryable_error(const boost::system::error_code& ec, phase where) noexcept;

/// Throws sbx::SandboxTimeoutError for a request timeout, sbx::SandboxExecutionError
/// for an oversized response, else sbx::SandboxConnectionError (retryable unless the
/// failure is permanent or the request may have been processed). The message holds the
/// redacted request (describe()) and the error's text; never header values or bodies.
[[noreturn]] void throw_transport_error(const boost::system::error_code& ec, phase where,
                                        const failure_site& site);

}  // namespace sbx::http
