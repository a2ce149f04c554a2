// The process's own resources: descriptor limit and memory use.
#pragma once

#include <chrono>
#include <cstdint>

namespace sbx::fanout {

/// Raises the soft RLIMIT_NOFILE to the hard limit (a thousand sandboxes in flight need
/// several descriptors each). Returns the soft limit now in force; never throws.
std::uint64_t raise_fd_limit() noexcept;

/// Peak resident set size of this process so far (getrusage ru_maxrss), in bytes.
std::uint64_t peak_rss_bytes() noexcept;

/// Current resident set size of this process (/proc/self/statm), in bytes; 0 where
/// /proc is unavailable.
std::uint64_t current_rss_bytes() noexcept;

/// CPU time (user + system) used so far by this process and by its reaped children.
struct cpu_times {
  std::chrono::nanoseconds self{};
  std::chrono::nanoseconds children{};
};

/// The CPU time used so far (getrusage); zeros where it is unavailable.
cpu_times cpu_usage() noexcept;

}  // namespace sbx::fanout
