// Test helpers for "secrets never reach errors or logs": what a failed operation says,
// and everything the library logged meanwhile.
#pragma once

#include "sbx/log.hpp"
#include "support/run.hpp"

#include <boost/asio/awaitable.hpp>

#include <exception>
#include <mutex>
#include <string>
#include <string_view>

namespace sbx_test {

/// Collects every line the library logs, at every level, while it lives.
struct captured_log {
  std::mutex mutex;
  std::string text;
  captured_log() {
    sbx::set_log_handler(
        [this](sbx::log_level, std::string_view line) {
          const std::lock_guard lock(mutex);
          text.append(line).append("\n");
        },
        sbx::log_level::debug);
  }
  ~captured_log() { sbx::set_log_handler({}); }
  captured_log(const captured_log&) = delete;
  captured_log& operator=(const captured_log&) = delete;
};

/// Runs `operation` and returns the what() of the exception it ends with, or
/// "(no error)".
inline std::string what_of(boost::asio::awaitable<void> operation) {
  try {
    run(std::move(operation));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace sbx_test
