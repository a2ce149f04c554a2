#include "drivers/e2b/e2b_errors.hpp"

#include <boost/json/parse.hpp>

namespace sbx::drivers::e2b {
namespace {

// E2B's message from an error body ({"code", "message", "error_code"}), else the text.
std::pair<std::string, std::string> message_and_code(std::string_view body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (!ec && value.is_object()) {
    const auto& o = value.as_object();
    const auto* message = o.if_contains("message");
    const auto* code = o.if_contains("error_code");
    if (message && message->is_string())
      return {std::string(message->as_string()), code && code->is_string() ? std::string(code->as_string()) : ""};
  }
  return {std::string(body.substr(0, 300)), ""};
}

bool retryable_status(unsigned status) { return status == 429 || status >= 500; }

}  // namespace

void throw_api_error(unsigned status, std::string_view body, const char* op, error_context context,
                     const std::vector<std::string>& secrets) {
  auto [message, error_code] = message_and_code(body);
  message = redact_secrets(std::move(message), secrets);
  context["status"] = std::to_string(status);
  if (!error_code.empty()) context["error_code"] = error_code;
  error_info info{.backend = "e2b", .op = op, .context = std::move(context), .retryable = retryable_status(status)};
  const std::string what = "E2B " + std::string(op) + " failed (HTTP " + std::to_string(status) + ")" +
                           (message.empty() ? "" : ": " + message);
  if (status == 401 || status == 403) {
    info.retryable = false;
    throw SandboxConfigurationError("E2B rejected the API key (HTTP " + std::to_string(status) + ")" +
                                        (message.empty() ? "" : ": " + message),
                                    std::move(info));
  }
  if (status == 404) throw SandboxNotFoundError(what, std::move(info));
  if (std::string_view(op) == "create") throw SandboxCreationError(what, std::move(info));
  throw SandboxExecutionError(what, std::move(info));
}

void throw_envd_error(const connect::error& e, unsigned status, const char* op, error_context context,
                      const std::vector<std::string>& secrets) {
  const auto message = redact_secrets(e.message, secrets);
  context["status"] = std::to_string(status);
  context["code"] = e.code;
  const bool retryable = e.code == "resource_exhausted" || e.code == "unavailable";
  error_info info{.backend = "e2b", .op = op, .context = std::move(context), .retryable = retryable};
  if (status == 502 && message.find("not found") != std::string::npos) {
    info.retryable = false;
    throw SandboxNotFoundError("The E2B sandbox is gone (killed, or its lifetime ended)", std::move(info));
  }
  const std::string what = std::string(op) + " failed: " + e.code + (message.empty() ? "" : ": " + message);
  if (e.code == "not_found") throw SandboxNotFoundError(what, std::move(info));
  throw SandboxExecutionError(what, std::move(info));
}

}  // namespace sbx::drivers::e2b
