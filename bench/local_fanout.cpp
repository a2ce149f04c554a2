// bench_local_fanout: local sandboxes (create + `sh -c 'echo i'` + destroy) fanned out on
// one thread, against a raw posix_spawn + waitpid loop doing the same commands.
//
//   bench_local_fanout [-n 1000] [--concurrency N] [--rounds 2]
//
// Prints human-readable lines, then one JSON line ({"bench":"local_fanout",...}) for
// comparisons across commits. Targets are reported, never asserted.
#include "common/live_sandboxes.hpp"
#include "common/spawn_baseline.hpp"

#include "fanout/fanout_report.hpp"
#include "fanout/fanout_runner.hpp"
#include "fanout/process_resources.hpp"
#include "fanout/units.hpp"

#include "sbx/blocking.hpp"
#include "sbx/client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>

#include <algorithm>
#include <iostream>

namespace {

namespace json = boost::json;
using namespace sbx;
using fanout::fixed;
using fanout::megabytes;

constexpr double ratio_target = 0.8;
constexpr std::uint64_t live_rss_target = 60'000'000;  // bytes
constexpr std::size_t warm_up_count = 20;

struct settings {
  std::size_t count = 1000;
  std::size_t concurrency = 0;  // 0: count
  std::size_t rounds = 2;
};

// What one bench run measured.
struct measurements {
  std::size_t concurrency = 0;
  std::vector<double> baseline_rates;  // per round, children per second
  std::vector<double> library_rates;   // per round, sandboxes per second
  fanout::fanout_result best_library;  // the fastest library round
  bench::live_hold_result live;
  std::uint64_t peak_rss = 0;

  double baseline() const { return *std::max_element(baseline_rates.begin(), baseline_rates.end()); }
  double library() const { return *std::max_element(library_rates.begin(), library_rates.end()); }
  double ratio() const { return baseline() > 0 ? library() / baseline() : 0.0; }
};

fanout::fanout_options echo_fanout(std::size_t count, std::size_t concurrency) {
  return {.count = count, .concurrency = concurrency, .command = {"echo {i}"}};
}

// One fan-out of `sh -c 'echo i'` sandboxes through the library.
awaitable<fanout::fanout_result> library_round(Client& client, fanout::fanout_options options) {
  fanout::fanout_runner runner(client, std::move(options));
  co_return co_await runner.run();
}

double baseline_rate(const bench::spawn_baseline_result& result) {
  return fanout::per_second(result.succeeded + result.failed, result.wall);
}

awaitable<measurements> measure(settings s) {
  auto client = co_await Client::connect("local");
  measurements m;
  m.concurrency = s.concurrency == 0 ? s.count : std::min(s.concurrency, s.count);

  // Warm both paths (page cache, lazy initialisation) outside the measurement.
  bench::run_spawn_baseline(warm_up_count, warm_up_count);
  co_await library_round(client, echo_fanout(warm_up_count, warm_up_count));

  for (std::size_t round = 0; round < s.rounds; ++round) {
    m.baseline_rates.push_back(baseline_rate(bench::run_spawn_baseline(s.count, m.concurrency)));
    auto result = co_await library_round(client, echo_fanout(s.count, m.concurrency));
    m.library_rates.push_back(fanout::throughput(result));
    if (m.library_rates.back() == m.library()) m.best_library = std::move(result);
  }
  m.live = co_await bench::hold_live_sandboxes(client, s.count);
  m.peak_rss = fanout::peak_rss_bytes();
  co_return m;
}

std::string rates(const std::vector<double>& values) {
  std::string text;
  for (const auto value : values) text += (text.empty() ? "" : ", ") + fixed(value, 1);
  return text;
}

std::string verdict(bool met) { return met ? "met" : "NOT met"; }

std::vector<std::pair<const char*, fanout::latency_stats>> phases(const fanout::fanout_result& result) {
  const auto stats = fanout::phase_statistics(result);
  return {{"create", stats.create}, {"exec", stats.exec}, {"destroy", stats.destroy}, {"total", stats.total}};
}

void print_text(const settings& s, const measurements& m) {
  const auto& live = m.live;
  const auto per_sandbox = live.live ? (live.rss_live - std::min(live.rss_live, live.rss_before)) / live.live : 0;
  std::cout << "local_fanout: " << s.count << " sandboxes, concurrency " << m.concurrency << ", best of "
            << s.rounds << " alternating rounds, one thread\n"
            << "baseline  posix_spawn + waitpid(-1) of sh -c 'echo i' (" << bench::spawn_baseline_output
            << "): " << fixed(m.baseline(), 1) << "/s  [" << rates(m.baseline_rates) << "]\n"
            << "library   create + exec sh -c 'echo i' + destroy: " << fixed(m.library(), 1) << "/s  ["
            << rates(m.library_rates) << "], " << m.best_library.failed << " failed\n"
            << "  latency ms       p50       p95\n";
  for (const auto& [phase, stats] : phases(m.best_library))
    std::cout << "  " << phase << std::string(10 - std::string_view(phase).size(), ' ')
              << fixed(fanout::to_ms(stats.p50), 2) << std::string(4, ' ') << fixed(fanout::to_ms(stats.p95), 2)
              << "\n";
  std::cout << "ratio library/baseline: " << fixed(m.ratio(), 3) << " (target >= " << ratio_target << ": "
            << verdict(m.ratio() >= ratio_target) << ")\n"
            << live.live << " live sandboxes: RSS " << megabytes(live.rss_live) << " (before "
            << megabytes(live.rss_before) << ", " << fixed(static_cast<double>(per_sandbox) / 1e3, 1)
            << " kB per sandbox; target < " << megabytes(live_rss_target) << ": "
            << verdict(live.rss_live < live_rss_target) << "), " << live.failed << " failed\n"
            << "peak RSS: " << megabytes(m.peak_rss) << "\n";
}

json::object json_line(const settings& s, const measurements& m) {
  json::object latency;
  for (const auto& [phase, stats] : phases(m.best_library)) latency[phase] = fanout::latency_json(stats);
  return {{"bench", "local_fanout"},
          {"n", s.count},
          {"concurrency", m.concurrency},
          {"rounds", s.rounds},
          {"baseline", "posix_spawn+waitpid(-1), " + std::string(bench::spawn_baseline_output)},
          {"baseline_per_s", m.baseline()},
          {"baseline_rounds_per_s", json::array(m.baseline_rates.begin(), m.baseline_rates.end())},
          {"library_per_s", m.library()},
          {"library_rounds_per_s", json::array(m.library_rates.begin(), m.library_rates.end())},
          {"library_failed", m.best_library.failed},
          {"ratio", m.ratio()},
          {"ratio_target_met", m.ratio() >= ratio_target},
          {"latency", std::move(latency)},
          {"live_sandboxes", m.live.live},
          {"live_rss_bytes", m.live.rss_live},
          {"live_rss_before_bytes", m.live.rss_before},
          {"live_rss_target_met", m.live.rss_live < live_rss_target},
          {"peak_rss_bytes", m.peak_rss}};
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  settings s;
  po::options_description options("bench_local_fanout options");
  options.add_options()
      ("help,h", "show this help")
      ("count,n", po::value(&s.count)->default_value(s.count), "sandboxes per round")
      ("concurrency", po::value(&s.concurrency), "in flight at once (default: n)")
      ("rounds", po::value(&s.rounds)->default_value(s.rounds), "alternating baseline/library rounds");
  po::variables_map values;
  try {
    po::store(po::parse_command_line(argc, argv, options), values);
    po::notify(values);
  } catch (const po::error& e) {
    std::cerr << "bench_local_fanout: " << e.what() << "\n" << options;
    return 2;
  }
  if (values.count("help") || s.count == 0 || s.rounds == 0) {
    std::cout << options;
    return values.count("help") ? 0 : 2;
  }
  fanout::raise_fd_limit();
  boost::asio::io_context context(1);
  const auto m = blocking::run(context, measure(s));
  print_text(s, m);
  std::cout << json::serialize(json_line(s, m)) << std::endl;
  return 0;
}
