// A process-wide count of the background destroys of dropped Sandbox handles, so a
// harness can wait for them before it exits (sbx::wait_for_dropped_sandboxes).
#pragma once

#include <cstddef>

namespace sbx::detail {

/// Counts one background destroy for as long as it lives (whatever the outcome, even
/// when the io_context is destroyed before the destroy ran). Any thread.
class dropped_destroy_token {
 public:
  dropped_destroy_token() noexcept;
  dropped_destroy_token(dropped_destroy_token&& other) noexcept;
  dropped_destroy_token(const dropped_destroy_token&) = delete;
  dropped_destroy_token& operator=(const dropped_destroy_token&) = delete;
  dropped_destroy_token& operator=(dropped_destroy_token&&) = delete;
  ~dropped_destroy_token();

 private:
  bool counted_ = true;
};

/// Background destroys still in flight.
std::size_t dropped_destroys_in_flight() noexcept;

}  // namespace sbx::detail
