// Creating an E2B sandbox without ever doubling it: the create POST is not idempotent,
// so an ambiguous failure (connection lost after sending, timeout, 500/502/504) is
// resolved by listing sandboxes labelled with this create's nonce, adopting what it
// finds (and killing duplicates), and only then trying again. A 503 refusal (no
// capacity) made nothing and is simply tried again.
#pragma once

#include "drivers/e2b/control_api.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <string>

namespace sbx::drivers::e2b {

/// Creates the sandbox described by `body`, whose metadata carries
/// label_create_nonce = `nonce`. Up to `policy.max_attempts` creates are made, with
/// full-jitter backoff between them. Errors: SandboxCreationError (a refusal, the last
/// 503, or every attempt ambiguous with no sandbox found), SandboxConfigurationError (API key),
/// SandboxConnectionError (E2B unreachable). Cancellation: if a create may have reached
/// E2B, what it made is looked up by nonce and killed (for at most 30 s), then
/// operation_aborted is rethrown.
boost::asio::awaitable<sandbox_record> create_sandbox(const control_api& api, const boost::json::object& body,
                                                      const std::string& nonce, std::chrono::milliseconds timeout,
                                                      const http::retry_policy& policy);

}  // namespace sbx::drivers::e2b
