// From E2B answers to sbx exceptions, with every secret kept out of the message.
#pragma once

#include "cloud_settings.hpp"
#include "codecs/connect_envelope.hpp"
#include "sbx/errors.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::e2b {

using detail::context_of;
using detail::redact_secrets;

/// Throws the sbx error for a control-plane answer with HTTP `status` and `body`:
/// 401/403 -> SandboxConfigurationError (the API key), 404 -> SandboxNotFoundError,
/// otherwise SandboxCreationError for op "create" and SandboxExecutionError for the
/// rest, retryable for 429 and 5xx. The message quotes E2B's message with `secrets`
/// redacted; context holds the status and E2B's error_code.
[[noreturn]] void throw_api_error(unsigned status, std::string_view body, const char* op, error_context context,
                                  const std::vector<std::string>& secrets);

/// Throws the sbx error for a failed envd call (Connect error `e`, HTTP `status`): a
/// proxy's 502 "sandbox was not found" or "not_found" -> SandboxNotFoundError,
/// resource_exhausted and unavailable -> a retryable SandboxExecutionError, anything
/// else SandboxExecutionError.
[[noreturn]] void throw_envd_error(const connect::error& e, unsigned status, const char* op, error_context context,
                                   const std::vector<std::string>& secrets);

}  // namespace sbx::drivers::e2b
