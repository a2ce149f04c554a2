// Summaries of a fan-out: throughput, per-phase percentiles, failures, memory.
#pragma once

#include "fanout/fanout_runner.hpp"
#include "fanout/latency_stats.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace sbx::fanout {

/// What a report says about a run besides its result.
struct run_description {
  std::string backend;
  std::string command;
  std::size_t concurrency = 0;
};

/// Latency statistics of each phase.
struct phase_stats {
  latency_stats create;
  latency_stats exec;
  latency_stats destroy;
  latency_stats total;
};

/// The statistics of every phase of `result`.
phase_stats phase_statistics(const fanout_result& result);

/// Sandboxes finished (succeeded or failed) per second of wall time.
double throughput(const fanout_result& result);

/// The summary as aligned, human-readable lines.
std::string report_text(const run_description& run, const fanout_result& result,
                        std::uint64_t peak_rss_bytes);

/// The summary as one JSON object (durations in milliseconds, sizes in bytes).
boost::json::object report_json(const run_description& run, const fanout_result& result,
                                std::uint64_t peak_rss_bytes);

/// {"count", "p50_ms", "p95_ms", "p99_ms", "max_ms"} of one phase.
boost::json::object latency_json(const latency_stats& stats);

}  // namespace sbx::fanout
