// From Daytona answers to sbx exceptions, with every secret kept out of the message.
#pragma once

#include "cloud_settings.hpp"
#include "sbx/errors.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::daytona {

using detail::context_of;
using detail::redact_secrets;

/// Which Daytona service answered: the REST API or a sandbox's toolbox (through the
/// toolbox proxy).
enum class service { api, toolbox };

/// Daytona's message in an error body: "message" (a string, or validation messages
/// joined with ", ") of the API's and the toolbox's JSON errors; else the start of the
/// body text; empty for an empty body (some toolbox handlers send none).
std::string error_message(std::string_view body);

/// Throws the sbx error for an answer with HTTP `status` and `body`:
/// 401 (and 403 from the API) -> SandboxConfigurationError (the API key);
/// 404 -> SandboxNotFoundError; 408 -> SandboxTimeoutError; otherwise
/// SandboxCreationError for op "create" and SandboxExecutionError for the rest,
/// retryable for 429 and 5xx. The message quotes Daytona's message with `secrets`
/// redacted; context holds the status and the toolbox's error "code".
[[noreturn]] void throw_error(service from, unsigned status, std::string_view body, const char* op,
                              error_context context, const std::vector<std::string>& secrets);

}  // namespace sbx::drivers::daytona
