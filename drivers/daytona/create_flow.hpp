// Creating a Daytona sandbox: one POST /sandbox that is never doubled (see
// create_once.hpp: an ambiguous failure is resolved by the create's nonce label), then
// polling GET /sandbox/{id} until the sandbox is `started`.
#pragma once

#include "drivers/daytona/control_api.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <string>

namespace sbx::drivers::daytona {

/// Creates the sandbox described by `body`, whose labels carry label_create_nonce =
/// `nonce`, and waits until it is started: polls every 100 ms, then 1.1 times longer
/// per poll after 5 s, up to 1 s (as Daytona's SDK). `timeout` bounds the whole call.
/// Errors: SandboxCreationError (refusals, every attempt ambiguous, the sandbox went to
/// `error`/`build_failed` — message with Daytona's errorReason — or vanished),
/// SandboxTimeoutError (not started within `timeout`), SandboxConfigurationError (the
/// API key, invalid options), SandboxConnectionError. A sandbox that was made but failed
/// to start is deleted before the error is thrown. Cancellation: whatever this create
/// made is deleted (for at most 30 s), then operation_aborted is rethrown.
boost::asio::awaitable<sandbox_record> create_started(const control_api& api, const boost::json::object& body,
                                                      const std::string& nonce, std::chrono::milliseconds timeout,
                                                      const http::retry_policy& policy);

}  // namespace sbx::drivers::daytona
