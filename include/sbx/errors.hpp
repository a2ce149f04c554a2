// Error taxonomy: one exception family plus a std::error_code category.
//
// The codes, retryability and what() format follow the Python original so that
// logs and dashboards read the same. A non-zero exit status of a command is a
// result (ExecResult::exit_code), never an exception.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

namespace sbx {

/// Error codes; the string form (to_string) matches the original's ErrorCode values.
enum class errc {
  unknown = 1,
  backend_not_installed,
  configuration,
  creation_failed,
  execution_failed,
  command_failed,
  timeout,
  connection,
  not_found,
  feature_not_supported,
  workspace,
  budget_exceeded,
};

/// The category behind std::error_code values made from sbx::errc.
const std::error_category& error_category() noexcept;
std::error_code make_error_code(errc e) noexcept;
/// "creation_failed", "not_found", ...
const char* to_string(errc e) noexcept;

/// Extra facts attached to an error, printed in key order ("exit_code=1, path=/x").
using error_context = std::map<std::string, std::string>;

/// Fields every sbx error carries besides its message.
struct error_info {
  std::optional<std::string> backend;
  std::optional<std::string> op;
  error_context context;
  std::optional<bool> retryable;  // unset: the class default
};

/// Base of every error the library throws.
///
/// what() is the bare message when backend, op and context are all empty, else
/// "<message> [code=<code>[, retryable]; backend=<b>; op=<op>; k1=v1, k2=v2]".
/// Secrets must never be put in the message or context; drivers redact them.
class SandboxError : public std::runtime_error {
 public:
  explicit SandboxError(std::string message, error_info info = {});

  const std::string& message() const noexcept { return message_; }
  errc code() const noexcept { return code_; }
  std::error_code error_code() const noexcept { return make_error_code(code_); }
  bool retryable() const noexcept { return retryable_; }
  const std::optional<std::string>& backend() const noexcept { return info_.backend; }
  const std::optional<std::string>& op() const noexcept { return info_.op; }
  const error_context& context() const noexcept { return info_.context; }

 protected:
  SandboxError(std::string message, error_info info, errc code, bool default_retryable);

 private:
  std::string message_;
  error_info info_;
  errc code_;
  bool retryable_;
};

#define SBX_DECLARE_ERROR(Name, Parent)                                         \
  class Name : public Parent {                                                  \
   public:                                                                      \
    explicit Name(std::string message, error_info info = {});                   \
                                                                                \
   protected:                                                                   \
    Name(std::string message, error_info info, errc code, bool retryable)       \
        : Parent(std::move(message), std::move(info), code, retryable) {}       \
  };

/// The backend's SDK, CLI or engine is missing on this machine.
SBX_DECLARE_ERROR(BackendNotInstalledError, SandboxError)
/// Invalid options, unknown backend or preset, malformed manifest.
SBX_DECLARE_ERROR(SandboxConfigurationError, SandboxError)
/// Creating (or resuming) a sandbox failed; partial allocations were cleaned up.
SBX_DECLARE_ERROR(SandboxCreationError, SandboxError)
/// An operation on a live sandbox failed (transport, file I/O, provider error).
SBX_DECLARE_ERROR(SandboxExecutionError, SandboxError)
/// An operation's own deadline passed (not an exec timeout: that is a result).
SBX_DECLARE_ERROR(SandboxTimeoutError, SandboxError)
/// The provider could not be reached; retryable.
SBX_DECLARE_ERROR(SandboxConnectionError, SandboxError)
/// A sandbox, file or snapshot does not exist.
SBX_DECLARE_ERROR(SandboxNotFoundError, SandboxError)
/// The backend cannot do what was asked (by nature, not by accident).
SBX_DECLARE_ERROR(FeatureNotSupportedError, SandboxError)
/// Materialising files, directories, archives or repositories failed.
SBX_DECLARE_ERROR(WorkspaceError, SandboxError)
/// A router's budget cap refuses a new sandbox.
SBX_DECLARE_ERROR(BudgetExceededError, SandboxError)

#undef SBX_DECLARE_ERROR

/// A command exited non-zero where a result was required (structured output).
class CommandFailedError : public SandboxExecutionError {
 public:
  CommandFailedError(std::string message, int exit_code, std::string std_out,
                     std::string std_err, error_info info = {});
  int exit_code() const noexcept { return exit_code_; }
  const std::string& std_out() const noexcept { return std_out_; }
  const std::string& std_err() const noexcept { return std_err_; }

 private:
  int exit_code_;
  std::string std_out_;
  std::string std_err_;
};

/// Throws the exception class that belongs to `code` (used when an error crosses a
/// boundary as data, e.g. from a helper process or a JSON error body).
[[noreturn]] void throw_error(errc code, std::string message, error_info info = {});

}  // namespace sbx

template <>
struct std::is_error_code_enum<sbx::errc> : std::true_type {};
