#include "sbx/errors.hpp"

namespace sbx {
namespace {

class sbx_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sbx"; }
  std::string message(int ev) const override { return to_string(static_cast<errc>(ev)); }
};

std::string format_what(const std::string& message, const error_info& info, errc code,
                        bool retryable) {
  if (!info.backend && !info.op && info.context.empty()) return message;
  std::string out = message + " [code=" + to_string(code);
  if (retryable) out += ", retryable";
  if (info.backend) out += "; backend=" + *info.backend;
  if (info.op) out += "; op=" + *info.op;
  if (!info.context.empty()) {
    out += "; ";
    bool first = true;
    for (const auto& [key, value] : info.context) {
      if (!first) out += ", ";
      first = false;
      out += key + "=" + value;
    }
  }
  return out + "]";
}

}  // namespace

const std::error_category& error_category() noexcept {
  static const sbx_category category;
  return category;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

const char* to_string(errc e) noexcept {
  switch (e) {
    case errc::unknown: return "unknown";
    case errc::backend_not_installed: return "backend_not_installed";
    case errc::configuration: return "configuration";
    case errc::creation_failed: return "creation_failed";
    case errc::execution_failed: return "execution_failed";
    case errc::command_failed: return "command_failed";
    case errc::timeout: return "timeout";
    case errc::connection: return "connection";
    case errc::not_found: return "not_found";
    case errc::feature_not_supported: return "feature_not_supported";
    case errc::workspace: return "workspace";
    case errc::budget_exceeded: return "budget_exceeded";
  }
  return "unknown";
}

SandboxError::SandboxError(std::string message, error_info info)
    : SandboxError(std::move(message), std::move(info), errc::unknown, false) {}

SandboxError::SandboxError(std::string message, error_info info, errc code,
                           bool default_retryable)
    : std::runtime_error(format_what(message, info, code,
                                     info.retryable.value_or(default_retryable))),
      message_(std::move(message)),
      info_(std::move(info)),
      code_(code),
      retryable_(info_.retryable.value_or(default_retryable)) {}

#define SBX_DEFINE_ERROR(Name, Parent, code, retryable)     \
  Name::Name(std::string message, error_info info)          \
      : Parent(std::move(message), std::move(info), code, retryable) {}

SBX_DEFINE_ERROR(BackendNotInstalledError, SandboxError, errc::backend_not_installed, false)
SBX_DEFINE_ERROR(SandboxConfigurationError, SandboxError, errc::configuration, false)
SBX_DEFINE_ERROR(SandboxCreationError, SandboxError, errc::creation_failed, false)
SBX_DEFINE_ERROR(SandboxExecutionError, SandboxError, errc::execution_failed, false)
SBX_DEFINE_ERROR(SandboxTimeoutError, SandboxError, errc::timeout, true)
SBX_DEFINE_ERROR(SandboxConnectionError, SandboxError, errc::connection, true)
SBX_DEFINE_ERROR(SandboxNotFoundError, SandboxError, errc::not_found, false)
SBX_DEFINE_ERROR(FeatureNotSupportedError, SandboxError, errc::feature_not_supported, false)
SBX_DEFINE_ERROR(WorkspaceError, SandboxError, errc::workspace, false)
SBX_DEFINE_ERROR(BudgetExceededError, SandboxError, errc::budget_exceeded, false)

#undef SBX_DEFINE_ERROR

namespace {
error_info with_exit_code(error_info info, int exit_code) {
  info.context.try_emplace("exit_code", std::to_string(exit_code));
  return info;
}
}  // namespace

CommandFailedError::CommandFailedError(std::string message, int exit_code, std::string std_out,
                                       std::string std_err, error_info info)
    : SandboxExecutionError(std::move(message), with_exit_code(std::move(info), exit_code),
                            errc::command_failed, false),
      exit_code_(exit_code),
      std_out_(std::move(std_out)),
      std_err_(std::move(std_err)) {}

void throw_error(errc code, std::string message, error_info info) {
  switch (code) {
    case errc::backend_not_installed: throw BackendNotInstalledError(std::move(message), std::move(info));
    case errc::configuration: throw SandboxConfigurationError(std::move(message), std::move(info));
    case errc::creation_failed: throw SandboxCreationError(std::move(message), std::move(info));
    case errc::execution_failed: throw SandboxExecutionError(std::move(message), std::move(info));
    case errc::command_failed: throw SandboxExecutionError(std::move(message), std::move(info));
    case errc::timeout: throw SandboxTimeoutError(std::move(message), std::move(info));
    case errc::connection: throw SandboxConnectionError(std::move(message), std::move(info));
    case errc::not_found: throw SandboxNotFoundError(std::move(message), std::move(info));
    case errc::feature_not_supported: throw FeatureNotSupportedError(std::move(message), std::move(info));
    case errc::workspace: throw WorkspaceError(std::move(message), std::move(info));
    case errc::budget_exceeded: throw BudgetExceededError(std::move(message), std::move(info));
    case errc::unknown: break;
  }
  throw SandboxError(std::move(message), std::move(info));
}

}  // namespace sbx
