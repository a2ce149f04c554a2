#include "drivers/modal/modal_errors.hpp"

#include "cloud_settings.hpp"

namespace sbx::drivers::modal {

bool retryable_code(grpc::StatusCode code) noexcept {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::ABORTED:
      return true;
    default:
      return false;
  }
}

const char* code_name(grpc::StatusCode code) noexcept {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNRECOGNIZED";
  }
}

void throw_status(const grpc::Status& status, const char* op, const char* rpc, const std::vector<std::string>& secrets) {
  const auto code = status.error_code();
  const auto message = detail::redact_secrets(status.error_message(), secrets);
  error_info info{.backend = "modal", .op = op, .retryable = retryable_code(code)};
  info.context["grpc_code"] = code_name(code);
  info.context["rpc"] = rpc;
  const std::string what = "Modal " + std::string(rpc) + " failed (" + code_name(code) + ")" +
                           (message.empty() ? "" : ": " + message);
  switch (code) {
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      throw SandboxConfigurationError("Modal rejected the token (" + std::string(code_name(code)) + ")" +
                                          (message.empty() ? "" : ": " + message),
                                      std::move(info));
    case grpc::StatusCode::NOT_FOUND:
      throw SandboxNotFoundError(what, std::move(info));
    case grpc::StatusCode::INVALID_ARGUMENT:
      throw SandboxConfigurationError(what, std::move(info));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      throw SandboxTimeoutError(what, std::move(info));
    case grpc::StatusCode::UNAVAILABLE:
      throw SandboxConnectionError(what, std::move(info));
    default:
      if (std::string_view(op) == "create") throw SandboxCreationError(what, std::move(info));
      throw SandboxExecutionError(what, std::move(info));
  }
}

}  // namespace sbx::drivers::modal
