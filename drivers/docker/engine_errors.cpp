#include "drivers/docker/engine_errors.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>

namespace sbx::drivers::docker {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool contains_nocase(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         }) != haystack.end();
}

}  // namespace

std::string engine_message(std::string_view body) {
  std::string text(trim(body));
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(text, ec);
  if (!ec && parsed.is_object()) {
    if (const auto* message = parsed.as_object().if_contains("message"); message && message->is_string())
      text = std::string(trim(message->get_string()));
  }
  constexpr std::size_t cap = 500;
  if (text.size() > cap) text = text.substr(0, cap) + "...";
  return text;
}

bool says_not_running(std::string_view message) {
  return contains_nocase(message, "is not running") || contains_nocase(message, "container state improper") ||
         contains_nocase(message, "is paused");
}

void throw_engine_error(unsigned status, std::string_view body, const std::string& op, failure_kind kind,
                        error_context context) {
  const auto message = engine_message(body);
  context["status"] = std::to_string(status);
  const auto text = op + " failed: Docker Engine API " + std::to_string(status) +
                    (message.empty() ? std::string() : ": " + message);
  error_info info{.backend = "docker", .op = op, .context = std::move(context)};
  if (status == 404 || ((status == 409 || status == 500) && says_not_running(message)))
    throw SandboxNotFoundError(text, std::move(info));
  if (status == 429 || status == 502 || status == 503 || status == 504) info.retryable = true;
  if (kind == failure_kind::creation) throw SandboxCreationError(text, std::move(info));
  throw SandboxExecutionError(text, std::move(info));
}

}  // namespace sbx::drivers::docker
