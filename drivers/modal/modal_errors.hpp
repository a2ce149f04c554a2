// From gRPC statuses to sbx exceptions, with every secret kept out of the message.
#pragma once

#include "sbx/errors.hpp"

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

namespace sbx::drivers::modal {

/// True for the codes after which repeating an idempotent call may succeed
/// (UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, ABORTED).
bool retryable_code(grpc::StatusCode code) noexcept;

/// "UNAVAILABLE", "NOT_FOUND", ...
const char* code_name(grpc::StatusCode code) noexcept;

/// Throws the sbx error for a failed call: UNAUTHENTICATED / PERMISSION_DENIED ->
/// SandboxConfigurationError (the token), NOT_FOUND -> SandboxNotFoundError,
/// INVALID_ARGUMENT -> SandboxConfigurationError, DEADLINE_EXCEEDED ->
/// SandboxTimeoutError, UNAVAILABLE -> SandboxConnectionError; otherwise
/// SandboxCreationError for op "create" and SandboxExecutionError for the rest.
/// Retryable as retryable_code. The message quotes Modal's with `secrets` redacted;
/// context holds the grpc code name and the RPC.
[[noreturn]] void throw_status(const grpc::Status& status, const char* op, const char* rpc,
                               const std::vector<std::string>& secrets);

}  // namespace sbx::drivers::modal
