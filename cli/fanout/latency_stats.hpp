// Percentiles of a set of latency samples.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

namespace sbx::fanout {

/// Order statistics of one phase's latencies. All zero when there were no samples.
struct latency_stats {
  std::size_t count = 0;
  std::chrono::nanoseconds p50{};
  std::chrono::nanoseconds p95{};
  std::chrono::nanoseconds p99{};
  std::chrono::nanoseconds max{};
};

/// The nearest-rank percentile `p` (0 < p <= 100) of `sorted`, which must be sorted
/// ascending and non-empty: the smallest sample that at least p% of samples do not exceed.
std::chrono::nanoseconds percentile(const std::vector<std::chrono::nanoseconds>& sorted,
                                    double p);

/// p50, p95, p99 and max of `samples` (taken by value: they are sorted in place).
latency_stats summarize_latencies(std::vector<std::chrono::nanoseconds> samples);

}  // namespace sbx::fanout
