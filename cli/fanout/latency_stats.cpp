#include "fanout/latency_stats.hpp"

#include <algorithm>
#include <cmath>

namespace sbx::fanout {

std::chrono::nanoseconds percentile(const std::vector<std::chrono::nanoseconds>& sorted,
                                    double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

latency_stats summarize_latencies(std::vector<std::chrono::nanoseconds> samples) {
  if (samples.empty()) return {};
  std::sort(samples.begin(), samples.end());
  return {.count = samples.size(),
          .p50 = percentile(samples, 50),
          .p95 = percentile(samples, 95),
          .p99 = percentile(samples, 99),
          .max = samples.back()};
}

}  // namespace sbx::fanout
