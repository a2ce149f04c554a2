#include "failure_kind.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace sbx::scheduler {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool mentions(const std::string& haystack, std::initializer_list<std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view needle) { return haystack.find(needle) != std::string::npos; });
}

std::string context_value(const SandboxError& error, std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (const auto it = error.context().find(key); it != error.context().end()) return lower(it->second);
  return {};
}

}  // namespace

const char* to_string(failure_kind kind) noexcept {
  switch (kind) {
    case failure_kind::rate_limited: return "rate_limited";
    case failure_kind::capacity: return "capacity";
    case failure_kind::transient: return "transient";
    case failure_kind::unsupported: return "unsupported";
    case failure_kind::auth: return "auth";
    case failure_kind::config: return "config";
  }
  return "transient";
}

failure_kind classify_failure(const SandboxError& error) {
  switch (error.code()) {
    case errc::feature_not_supported:
      return failure_kind::unsupported;
    case errc::configuration:
    case errc::backend_not_installed:
    case errc::workspace:
    case errc::budget_exceeded:
      return failure_kind::config;
    default:
      break;
  }
  const auto status = context_value(error, {"status", "http_status"});
  const auto code = context_value(error, {"error_code", "reason"});
  const auto message = lower(error.message());
  if (status == "401" || status == "403" ||
      mentions(message, {"unauthorized", "unauthenticated", "forbidden", "api key", "authentication"}))
    return failure_kind::auth;
  if (status == "429" || mentions(message, {"rate limit", "rate-limit", "too many requests"}))
    return failure_kind::rate_limited;
  if (mentions(code, {"capacity", "no_compatible_node", "placement", "quota"}) ||
      mentions(message, {"capacity", "quota", "limit reached", "no_compatible_node"}))
    return failure_kind::capacity;
  return failure_kind::transient;
}

bool fails_over(failure_kind kind) noexcept {
  return counts_against_health(kind) || kind == failure_kind::unsupported;
}

bool counts_against_health(failure_kind kind) noexcept {
  return kind == failure_kind::rate_limited || kind == failure_kind::capacity || kind == failure_kind::transient;
}

}  // namespace sbx::scheduler
