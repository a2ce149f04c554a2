#include "drivers/tensorlake/tensorlake_errors.hpp"

#include <boost/json/parse.hpp>

namespace sbx::drivers::tensorlake {
namespace {

// Tensorlake's message from an error body, and its code, else the text.
std::pair<std::string, std::string> message_and_code(std::string_view body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (!ec && value.is_object()) {
    const auto& o = value.as_object();
    const auto* code = o.if_contains("code");
    const std::string code_text = code && code->is_string() ? std::string(code->as_string()) : "";
    for (const char* key : {"error", "message", "detail"}) {
      const auto* message = o.if_contains(key);
      if (message && message->is_string()) return {std::string(message->as_string()), code_text};
    }
  }
  return {std::string(body.substr(0, 300)), ""};
}

}  // namespace

void throw_api_error(unsigned status, std::string_view body, const char* op, error_context context,
                     const std::vector<std::string>& secrets) {
  auto [message, code] = message_and_code(body);
  message = redact_secrets(std::move(message), secrets);
  context["status"] = std::to_string(status);
  if (!code.empty()) context["code"] = code;
  const bool retryable = status == 429 || status >= 500;
  error_info info{.backend = "tensorlake", .op = op, .context = std::move(context), .retryable = retryable};
  const std::string suffix = " (HTTP " + std::to_string(status) + ")" + (message.empty() ? "" : ": " + message);
  if (status == 401 || status == 403) {
    info.retryable = false;
    throw SandboxConfigurationError("Tensorlake rejected the credentials" + suffix, std::move(info));
  }
  const std::string what = "Tensorlake " + std::string(op) + " failed" + suffix;
  if (status == 404) throw SandboxNotFoundError(what, std::move(info));
  if (std::string_view(op) == "create") throw SandboxCreationError(what, std::move(info));
  throw SandboxExecutionError(what, std::move(info));
}

}  // namespace sbx::drivers::tensorlake
