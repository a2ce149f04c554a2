#include "fanout/fanout_report.hpp"

#include "fanout/units.hpp"

#include <boost/json/array.hpp>

#include <array>
#include <utility>

namespace sbx::fanout {

namespace {

std::string latency_row(std::string_view phase, const latency_stats& stats) {
  std::string row = "  " + std::string(phase) + std::string(10 - phase.size(), ' ');
  for (const auto value : {stats.p50, stats.p95, stats.p99, stats.max})
    row += pad_left(fixed(to_ms(value), 2), 10);
  return row + "\n";
}

std::array<std::pair<const char*, latency_stats>, 4> named_phases(const fanout_result& result) {
  const auto stats = phase_statistics(result);
  return {{{"create", stats.create}, {"exec", stats.exec}, {"destroy", stats.destroy},
           {"total", stats.total}}};
}

}  // namespace

phase_stats phase_statistics(const fanout_result& result) {
  return {.create = summarize_latencies(result.samples.create),
          .exec = summarize_latencies(result.samples.exec),
          .destroy = summarize_latencies(result.samples.destroy),
          .total = summarize_latencies(result.samples.total)};
}

double throughput(const fanout_result& result) {
  return per_second(result.succeeded + result.failed, result.wall);
}

std::string report_text(const run_description& run, const fanout_result& result,
                        std::uint64_t peak_rss_bytes) {
  std::string text = std::to_string(result.requested) + " sandboxes on " + run.backend +
                     " (concurrency " + std::to_string(run.concurrency) + "): " + run.command + "\n";
  text += "  succeeded   " + std::to_string(result.succeeded) + "\n";
  text += "  failed      " + std::to_string(result.failed) + "\n";
  if (result.stopped)
    text += "  interrupted " + std::to_string(result.cancelled) + " cancelled, " +
            std::to_string(result.cleaned_up) + " live sandboxes cleaned up\n";
  text += "  wall time   " + fixed(to_seconds(result.wall), 3) + " s\n";
  text += "  throughput  " + fixed(throughput(result), 1) + " sandboxes/s\n";
  text += "  peak RSS    " + megabytes(peak_rss_bytes) + "\n";
  text += "  latency ms       p50       p95       p99       max\n";
  for (const auto& [phase, stats] : named_phases(result)) text += latency_row(phase, stats);
  if (!result.errors.empty()) {
    text += "  first distinct errors:\n";
    for (const auto& error : result.errors) text += "    " + error + "\n";
  }
  return text;
}

boost::json::object report_json(const run_description& run, const fanout_result& result,
                                std::uint64_t peak_rss_bytes) {
  boost::json::object latency;
  for (const auto& [phase, stats] : named_phases(result)) latency[phase] = latency_json(stats);
  return {{"backend", run.backend},
          {"command", run.command},
          {"requested", result.requested},
          {"concurrency", run.concurrency},
          {"succeeded", result.succeeded},
          {"failed", result.failed},
          {"cancelled", result.cancelled},
          {"interrupted", result.stopped},
          {"cleaned_up", result.cleaned_up},
          {"wall_s", to_seconds(result.wall)},
          {"throughput_per_s", throughput(result)},
          {"peak_rss_bytes", peak_rss_bytes},
          {"latency", std::move(latency)},
          {"errors", boost::json::array(result.errors.begin(), result.errors.end())}};
}

boost::json::object latency_json(const latency_stats& stats) {
  return {{"count", stats.count},
          {"p50_ms", to_ms(stats.p50)},
          {"p95_ms", to_ms(stats.p95)},
          {"p99_ms", to_ms(stats.p99)},
          {"max_ms", to_ms(stats.max)}};
}

}  // namespace sbx::fanout
