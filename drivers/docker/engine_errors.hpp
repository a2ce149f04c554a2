// Turning the daemon's error responses into sbx exceptions (pure functions).
#pragma once

#include "sbx/errors.hpp"

#include <string>
#include <string_view>

namespace sbx::drivers::docker {

/// The daemon's error text in a response body: the JSON "message" (Docker's
/// {"message"} and Podman's {"cause","message","response"}), else the body as text
/// (some daemons answer plain text); trimmed and capped at 500 bytes.
std::string engine_message(std::string_view body);

/// True when a message says the container exists but is not running, i.e. its life
/// ended (Docker: 409 "is not running"; Podman: 500 "container state improper").
bool says_not_running(std::string_view message);

/// Which error class a failure of this call becomes when the status has no class of
/// its own.
enum class failure_kind { creation, execution };

/// Throws the sbx error for an unexpected status of call `op` (backend "docker"):
/// 404, and "not running" answers (409, or Podman's 500), become SandboxNotFoundError;
/// 429/502/503/504 are retryable; anything else is SandboxCreationError or
/// SandboxExecutionError per `kind`. The message is "<op> failed: Docker Engine API
/// <status>: <daemon message>"; `context` gains "status".
[[noreturn]] void throw_engine_error(unsigned status, std::string_view body, const std::string& op,
                                     failure_kind kind, error_context context = {});

}  // namespace sbx::drivers::docker
