// bench_local_fanout: local sandboxes (create + `sh -c 'echo i'` + destroy) fanned out on
// one thread, against a raw posix_spawn + waitpid loop running the same commands.
//
//   bench_local_fanout [-n 1000] [--concurrency N] [--rounds 2]
//
// Prints human-readable lines, then one JSON line ({"bench":"local_fanout",...}) for
// comparisons across commits. Targets are reported, never asserted. Besides wall-clock
// rates it reports CPU time per sandbox (this process and its children), which stays
// meaningful when other work competes for the machine.
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

#include <sys/vfs.h>

#include <algorithm>
#include <filesystem>
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

// One round of one side: how fast, and what it cost in CPU per item.
struct round_cost {
  double per_second = 0;
  double self_cpu_ms = 0;      // this process, per item
  double children_cpu_ms = 0;  // the commands' processes, per item
};

// Every round of one side.
struct side {
  std::vector<round_cost> rounds;

  const round_cost& best() const {
    return *std::max_element(rounds.begin(), rounds.end(),
                             [](const auto& a, const auto& b) { return a.per_second < b.per_second; });
  }
  std::string rates() const {
    std::string text;
    for (const auto& round : rounds) text += (text.empty() ? "" : ", ") + fixed(round.per_second, 1);
    return text;
  }
};

// What one bench run measured.
struct measurements {
  std::string sample_workdir;  // one sandbox's working directory
  std::string workdir_filesystem;
  std::size_t concurrency = 0;
  side baseline;
  side library;
  fanout::fanout_result best_library;  // the fastest library round
  bench::live_hold_result live;
  std::uint64_t peak_rss = 0;

  double ratio() const {
    return baseline.best().per_second > 0 ? library.best().per_second / baseline.best().per_second : 0.0;
  }
};

// Counts the CPU time spent between its construction and cost().
class cpu_meter {
 public:
  cpu_meter() : start_(fanout::cpu_usage()) {}

  round_cost cost(std::size_t items, std::chrono::nanoseconds wall) const {
    const auto end = fanout::cpu_usage();
    const auto per_item = [&](std::chrono::nanoseconds used) {
      return items ? fanout::to_ms(used) / static_cast<double>(items) : 0.0;
    };
    return {.per_second = fanout::per_second(items, wall),
            .self_cpu_ms = per_item(end.self - start_.self),
            .children_cpu_ms = per_item(end.children - start_.children)};
  }

 private:
  fanout::cpu_times start_;
};

// The file system type of `path` (creating and removing directories is much of a local
// sandbox's cost, and it differs widely between, say, ext4 and tmpfs).
std::string filesystem_type(const std::filesystem::path& path) {
  struct statfs info {};
  if (statfs(path.c_str(), &info) != 0) return "unknown";
  switch (static_cast<unsigned long>(info.f_type)) {
    case 0x01021994: return "tmpfs";
    case 0xEF53: return "ext2/3/4";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x794C7630: return "overlayfs";
    default: return "other";
  }
}

fanout::fanout_options echo_fanout(std::size_t count, std::size_t concurrency) {
  return {.count = count, .concurrency = concurrency, .command = {"echo {i}"}};
}

// One fan-out of `sh -c 'echo i'` sandboxes through the library.
awaitable<fanout::fanout_result> library_round(Client& client, fanout::fanout_options options) {
  fanout::fanout_runner runner(client, std::move(options));
  co_return co_await runner.run();
}

round_cost baseline_round(std::size_t count, std::size_t concurrency) {
  const cpu_meter meter;
  const auto result = bench::run_spawn_baseline(count, concurrency);
  return meter.cost(result.succeeded + result.failed, result.wall);
}

awaitable<measurements> measure(settings s) {
  auto client = co_await Client::connect("local");
  measurements m;
  m.concurrency = s.concurrency == 0 ? s.count : std::min(s.concurrency, s.count);

  // Warm both paths (page cache, lazy initialisation) outside the measurement.
  bench::run_spawn_baseline(warm_up_count, warm_up_count);
  co_await library_round(client, echo_fanout(warm_up_count, warm_up_count));
  {
    auto probe = co_await client.create();
    m.sample_workdir = probe.workdir();
    m.workdir_filesystem = filesystem_type(probe.workdir());
    co_await probe.destroy();
  }
  // Held first, so the RSS before it is not inflated by the fan-outs' freed heap.
  m.live = co_await bench::hold_live_sandboxes(client, s.count);

  for (std::size_t round = 0; round < s.rounds; ++round) {
    m.baseline.rounds.push_back(baseline_round(s.count, m.concurrency));
    const cpu_meter meter;
    auto result = co_await library_round(client, echo_fanout(s.count, m.concurrency));
    m.library.rounds.push_back(meter.cost(result.succeeded + result.failed, result.wall));
    if (&m.library.rounds.back() == &m.library.best()) m.best_library = std::move(result);
  }
  m.peak_rss = fanout::peak_rss_bytes();
  co_return m;
}

std::string verdict(bool met) { return met ? "met" : "NOT met"; }

std::string cpu_text(const round_cost& cost) {
  return fixed(cost.self_cpu_ms + cost.children_cpu_ms, 3) + " ms CPU each (this process " +
         fixed(cost.self_cpu_ms, 3) + ", children " + fixed(cost.children_cpu_ms, 3) + ")";
}

std::vector<std::pair<const char*, fanout::latency_stats>> phases(const fanout::fanout_result& result) {
  const auto stats = fanout::phase_statistics(result);
  return {{"create", stats.create}, {"exec", stats.exec}, {"destroy", stats.destroy}, {"total", stats.total}};
}

void print_text(const settings& s, const measurements& m) {
  const auto& live = m.live;
  const auto growth = live.rss_live - std::min(live.rss_live, live.rss_before);
  const auto per_sandbox = live.live ? static_cast<double>(growth) / static_cast<double>(live.live) : 0.0;
  std::cout << "local_fanout: " << s.count << " sandboxes, concurrency " << m.concurrency << ", best of "
            << s.rounds << " alternating rounds, one thread\n"
            << "sandbox working directories like " << m.sample_workdir << " (" << m.workdir_filesystem << ")\n"
            << "baseline  posix_spawn + waitpid(-1) of sh -c 'echo i' (" << bench::spawn_baseline_output
            << "): " << fixed(m.baseline.best().per_second, 1) << "/s [" << m.baseline.rates() << "], "
            << cpu_text(m.baseline.best()) << "\n"
            << "library   create + exec sh -c 'echo i' + destroy: " << fixed(m.library.best().per_second, 1)
            << "/s [" << m.library.rates() << "], " << cpu_text(m.library.best()) << ", "
            << m.best_library.failed << " failed\n"
            << "  latency ms       p50       p95\n";
  for (const auto& [phase, stats] : phases(m.best_library))
    std::cout << "  " << phase << std::string(10 - std::string_view(phase).size(), ' ')
              << fanout::pad_left(fixed(fanout::to_ms(stats.p50), 2), 8)
              << fanout::pad_left(fixed(fanout::to_ms(stats.p95), 2), 10) << "\n";
  std::cout << "ratio library/baseline: " << fixed(m.ratio(), 3) << " (target >= " << ratio_target << ": "
            << verdict(m.ratio() >= ratio_target) << ")\n"
            << live.live << " live sandboxes: RSS " << megabytes(live.rss_live) << " (before "
            << megabytes(live.rss_before) << ", " << fixed(per_sandbox / 1e3, 1) << " kB per sandbox; target < "
            << megabytes(live_rss_target) << ": " << verdict(live.rss_live < live_rss_target) << "), "
            << live.failed << " failed\n"
            << "peak RSS: " << megabytes(m.peak_rss) << "\n";
}

json::object cost_json(const round_cost& cost) {
  return {{"per_s", cost.per_second},
          {"self_cpu_ms_per_item", cost.self_cpu_ms},
          {"children_cpu_ms_per_item", cost.children_cpu_ms}};
}

json::object json_line(const settings& s, const measurements& m) {
  json::object latency;
  for (const auto& [phase, stats] : phases(m.best_library)) latency[phase] = fanout::latency_json(stats);
  json::array baseline_rounds;
  for (const auto& round : m.baseline.rounds) baseline_rounds.push_back(cost_json(round));
  json::array library_rounds;
  for (const auto& round : m.library.rounds) library_rounds.push_back(cost_json(round));
  return {{"bench", "local_fanout"},
          {"n", s.count},
          {"concurrency", m.concurrency},
          {"rounds", s.rounds},
          {"workdir_fs", m.workdir_filesystem},
          {"baseline", "posix_spawn+waitpid(-1), " + std::string(bench::spawn_baseline_output)},
          {"baseline_per_s", m.baseline.best().per_second},
          {"library_per_s", m.library.best().per_second},
          {"ratio", m.ratio()},
          {"ratio_target_met", m.ratio() >= ratio_target},
          {"baseline_rounds", std::move(baseline_rounds)},
          {"library_rounds", std::move(library_rounds)},
          {"library_failed", m.best_library.failed},
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
