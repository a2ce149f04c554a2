#include "drivers/daytona/daytona_errors.hpp"

#include <boost/json/parse.hpp>

namespace sbx::drivers::daytona {
namespace {

std::string code_of(std::string_view body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  const auto* o = ec ? nullptr : value.if_object();
  const auto* code = o ? o->if_contains("code") : nullptr;
  return code && code->is_string() ? std::string(code->as_string()) : std::string();
}

}  // namespace

std::string error_message(std::string_view body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (const auto* o = ec ? nullptr : value.if_object()) {
    if (const auto* message = o->if_contains("message")) {
      if (message->is_string()) return std::string(message->as_string());
      if (const auto* parts = message->if_array()) {
        std::string joined;
        for (const auto& part : *parts)
          if (part.is_string()) joined += (joined.empty() ? "" : ", ") + std::string(part.as_string());
        return joined;
      }
    }
  }
  return std::string(body.substr(0, 300));
}

void throw_error(service from, unsigned status, std::string_view body, const char* op, error_context context,
                 const std::vector<std::string>& secrets) {
  const auto message = redact_secrets(error_message(body), secrets);
  context["status"] = std::to_string(status);
  if (const auto code = code_of(body); !code.empty()) context["code"] = code;
  error_info info{.backend = "daytona", .op = op, .context = std::move(context),
                  .retryable = status == 429 || status >= 500};
  const std::string where = from == service::api ? "Daytona " : "Daytona toolbox: ";
  const std::string what = where + op + " failed (HTTP " + std::to_string(status) + ")" +
                           (message.empty() ? "" : ": " + message);
  if (status == 401 || (status == 403 && from == service::api)) {
    info.retryable = false;
    throw SandboxConfigurationError("Daytona rejected the API key (HTTP " + std::to_string(status) + ")" +
                                        (message.empty() ? "" : ": " + message),
                                    std::move(info));
  }
  if (status == 404) throw SandboxNotFoundError(what, std::move(info));
  if (status == 408) throw SandboxTimeoutError(what, std::move(info));
  if (std::string_view(op) == "create") throw SandboxCreationError(what, std::move(info));
  throw SandboxExecutionError(what, std::move(info));
}

}  // namespace sbx::drivers::daytona
