#include "owner_labels.hpp"

#include <cerrno>
#include <charconv>
#include <ctime>
#include <random>
#include <signal.h>
#include <unistd.h>

namespace sbx::detail {

std::string random_hex(std::size_t digits) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(digits, '0');
  for (auto& c : out) c = hex[engine() & 0xf];
  return out;
}

const std::string& run_id() {
  static const std::string id = random_hex(16);
  return id;
}

const std::string& host_name() {
  static const std::string name = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return std::string("unknown");
    return std::string(buf);
  }();
  return name;
}

std::string format_utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text) {
  std::tm tm{};
  const std::string copy(text);
  const char* end = ::strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return std::nullopt;
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

env_map owner_labels(std::chrono::seconds lifetime) {
  const auto now = std::chrono::system_clock::now();
  return {
      {label_library, "sbx"},
      {label_run_id, run_id()},
      {label_host, host_name()},
      {label_pid, std::to_string(::getpid())},
      {label_created_at, format_utc(now)},
      {label_expires_at, format_utc(now + lifetime)},
  };
}

bool is_orphan(const env_map& labels) {
  if (const auto it = labels.find(label_expires_at); it != labels.end()) {
    if (const auto expires = parse_utc(it->second); expires && *expires <= std::chrono::system_clock::now())
      return true;
  }
  const auto host = labels.find(label_host);
  const auto pid = labels.find(label_pid);
  if (host == labels.end() || pid == labels.end() || host->second != host_name()) return false;
  int value = 0;
  const auto [ptr, ec] = std::from_chars(pid->second.data(), pid->second.data() + pid->second.size(), value);
  if (ec != std::errc{} || value <= 0) return false;
  return ::kill(value, 0) != 0 && errno == ESRCH;
}

}  // namespace sbx::detail
