#include "log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

namespace sbx {
namespace {

log_level level_from_env() {
  const char* value = std::getenv("SBX_LOG");
  const std::string_view v = value ? value : "";
  if (v == "debug") return log_level::debug;
  if (v == "info") return log_level::info;
  if (v == "warning") return log_level::warning;
  return log_level::error;
}

void print_to_stderr(log_level level, std::string_view message) {
  static constexpr const char* names[] = {"debug", "info", "warning", "error"};
  std::fprintf(stderr, "sbx %s: %.*s\n", names[static_cast<int>(level)],
               static_cast<int>(message.size()), message.data());
}

struct logger {
  std::mutex mutex;
  std::shared_ptr<const log_handler> handler = std::make_shared<const log_handler>(print_to_stderr);
  std::atomic<log_level> min_level{level_from_env()};
  std::atomic<bool> silent{false};
};

logger& instance() {
  static logger l;
  return l;
}

}  // namespace

void set_log_handler(log_handler handler, log_level min_level) {
  auto& l = instance();
  std::lock_guard lock(l.mutex);
  l.silent = !handler;
  l.handler = std::make_shared<const log_handler>(std::move(handler));
  l.min_level = min_level;
}

namespace detail {

bool log_enabled(log_level level) noexcept {
  const auto& l = instance();
  return !l.silent && level >= l.min_level.load(std::memory_order_relaxed);
}

void log(log_level level, std::string_view message) {
  if (!log_enabled(level)) return;
  auto& l = instance();
  std::shared_ptr<const log_handler> handler;
  {
    std::lock_guard lock(l.mutex);
    handler = l.handler;
  }
  (*handler)(level, message);
}

}  // namespace detail
}  // namespace sbx
