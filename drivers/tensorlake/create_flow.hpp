// Creating a Tensorlake sandbox without ever doubling or leaking it. The create POST is
// not idempotent, but every sandbox of this library has a unique name (see owner_name):
// an ambiguous failure (connection lost after sending, timeout, 409, a 5xx without a
// sandbox) is resolved by looking the name up, and a repeated POST with the same name
// cannot make a second sandbox. Once the sandbox exists, its status is polled until it
// runs. Whatever fails after the POST removes the sandbox of that name.
#pragma once

#include "drivers/tensorlake/lifecycle_api.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <string>

namespace sbx::drivers::tensorlake {

/// Creates the sandbox `body` (whose "name" is `name`) and waits until it runs, all
/// within `timeout`; up to `policy.max_attempts` POSTs with full-jitter backoff between
/// them. Errors: SandboxCreationError (the sandbox failed, terminated or did not start
/// in time; every attempt ambiguous with nothing found; a definite refusal),
/// SandboxConfigurationError (credentials), SandboxConnectionError (unreachable); the
/// sandbox of that name is deleted first. Cancellation: the sandbox of that name is
/// looked up and deleted (for at most 30 s), then operation_aborted is rethrown.
boost::asio::awaitable<sandbox_record> create_sandbox(const lifecycle_api& api, const boost::json::object& body,
                                                      const std::string& name, std::chrono::milliseconds timeout,
                                                      const http::retry_policy& policy,
                                                      std::chrono::milliseconds poll_interval);

}  // namespace sbx::drivers::tensorlake
