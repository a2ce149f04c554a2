// Memory cost of many sandboxes alive at once.
#pragma once

#include "sbx/client.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sbx::bench {

/// What holding the sandboxes cost.
struct live_hold_result {
  std::size_t live = 0;             // sandboxes alive at the measurement
  std::size_t failed = 0;           // creates or destroys that failed
  std::uint64_t rss_before = 0;     // this process's RSS before the first create, bytes
  std::uint64_t rss_live = 0;       // RSS with all of them alive, bytes
  std::chrono::nanoseconds create_wall{};
  std::chrono::nanoseconds destroy_wall{};
};

/// Creates `count` sandboxes concurrently, measures this process's resident memory
/// while all of them are alive, then destroys them all concurrently. Failures are
/// counted, not thrown.
awaitable<live_hold_result> hold_live_sandboxes(Client& client, std::size_t count,
                                                CreateOptions options = {});

}  // namespace sbx::bench
