// From Tensorlake answers to sbx exceptions, with every secret kept out of the message.
#pragma once

#include "cloud_settings.hpp"
#include "sbx/errors.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::tensorlake {

using detail::context_of;
using detail::redact_secrets;

/// Throws the sbx error for an answer with HTTP `status` and `body` ({"error", "code"},
/// {"message"} or text): 401/403 -> SandboxConfigurationError (the credentials), 404 ->
/// SandboxNotFoundError, otherwise SandboxCreationError for op "create" and
/// SandboxExecutionError for the rest, retryable for 429 and 5xx. The message quotes
/// Tensorlake's text with `secrets` redacted; context holds the status and code.
[[noreturn]] void throw_api_error(unsigned status, std::string_view body, const char* op, error_context context,
                                  const std::vector<std::string>& secrets);

}  // namespace sbx::drivers::tensorlake
