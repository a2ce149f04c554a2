// bench_cloud_fanout: N cloud sandboxes through the library on one thread — each
// created, one exec, a write_file, a read_file, destroyed, all N at once — against the
// provider's loopback fake run as a separate process in echo mode with a fixed latency
// added to every request. Baselines from the same run:
//   - latency floor: the library's requests per sandbox x the injected latency (what a
//     sandbox's requests cost one after another, with infinite capacity);
//   - capacity time: the same requests sent by a minimal raw Beast client over as many
//     keep-alive connections as the library's pool may open to the fake.
// ratio = wall / max(floor, capacity time). Targets (reported, never asserted): ratio <= 2,
// peak RSS < 400 MB, no failed sandbox.
//
//   bench_cloud_fanout [-n 10000] [--latency-ms 50] [--provider e2b|daytona|tensorlake|modal]
//                      [--connections 512]
//
// Only e2b has a raw-client baseline; for the others the ratio is against the floor.
//
// Prints human-readable lines, then one JSON line ({"bench":"cloud_fanout",...}).
#include "cloud/provider_profiles.hpp"
#include "cloud/raw_chain.hpp"
#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
#include "fanout/latency_stats.hpp"
#include "fanout/process_resources.hpp"
#include "fanout/units.hpp"

#include "sbx/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <map>

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace sbx;
using clock_type = std::chrono::steady_clock;
using samples = std::vector<std::chrono::nanoseconds>;

constexpr double ratio_target = 2.0;
constexpr double rss_target_mb = 400.0;
const std::array<const char*, 5> phase_names{"create", "exec", "write", "read", "destroy"};
const std::string file_path = "/tmp/bench.txt";
const std::string file_content = "sbx cloud fan-out payload\n";
const std::string command = "echo hi";

struct settings {
  std::size_t count = 10000;
  int latency_ms = 50;
  std::string provider = "e2b";
  std::size_t connections = 512;
  bool echo = true;  // the fake answers execs without running them
};

// What the library run measured.
struct library_result {
  std::map<std::string, samples> phases;
  std::chrono::nanoseconds wall{};
  std::size_t failed = 0;
  std::size_t live = 0;
  std::size_t peak_live = 0;
  std::vector<std::string> errors;  // the first few distinct
};

awaitable<void> one_sandbox(Client& client, library_result& r) {
  auto timed = [&r](const char* phase, clock_type::time_point since) {
    r.phases[phase].push_back(clock_type::now() - since);
  };
  std::optional<Sandbox> sandbox;
  try {
    auto t = clock_type::now();
    sandbox.emplace(co_await client.create());
    timed("create", t);
    r.peak_live = std::max(r.peak_live, ++r.live);
    t = clock_type::now();
    const auto result = co_await sandbox->exec(command);
    timed("exec", t);
    if (result.exit_code != 0) throw std::runtime_error("exec exited " + std::to_string(result.exit_code));
    t = clock_type::now();
    co_await sandbox->write_file(file_path, file_content);
    timed("write", t);
    t = clock_type::now();
    if (co_await sandbox->read_file(file_path) != file_content) throw std::runtime_error("read_file: wrong content");
    timed("read", t);
  } catch (const std::exception& e) {
    ++r.failed;
    if (r.errors.size() < 5 && std::find(r.errors.begin(), r.errors.end(), e.what()) == r.errors.end())
      r.errors.emplace_back(e.what());
  }
  if (!sandbox) co_return;
  try {
    const auto t = clock_type::now();
    co_await sandbox->destroy();
    timed("destroy", t);
  } catch (const std::exception& e) {
    ++r.failed;
    if (r.errors.size() < 5) r.errors.emplace_back(std::string("destroy: ") + e.what());
  }
  --r.live;
}

library_result run_library(const settings& s, const json::object& driver_options) {
  library_result r;
  asio::io_context io;
  ClientOptions options;
  options.driver_options = driver_options;
  // The fake is not the provider: lift the provider-sized admission limits to the
  // connection count, the same concurrency the raw client gets.
  for (const auto* knob : {"max_connections", "max_creates_in_flight", "max_execs_in_flight", "max_destroys_in_flight"})
    options.driver_options[knob] = s.connections;
  options.driver_options["max_running"] = 0;
  options.driver_options["create_rate"] = 0;
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        auto client = co_await Client::connect(s.provider, options);
        const auto started = clock_type::now();
        std::size_t left = s.count;
        asio::steady_timer all_done(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
        for (std::size_t i = 0; i < s.count; ++i)
          asio::co_spawn(co_await asio::this_coro::executor, one_sandbox(client, r), [&](std::exception_ptr) {
            if (--left == 0) all_done.cancel();
          });
        if (s.count > 0) {
          boost::system::error_code ignored;
          co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        }
        r.wall = clock_type::now() - started;
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  return r;
}

// Requests the fake has served so far.
std::uint64_t served_requests(const sbx_bench::provider_profile& profile, const sbx_fake::fake_launcher& fake) {
  if (profile.served_requests) return profile.served_requests(fake.url());
  return fake.stats().at("requests").to_number<std::uint64_t>();
}

// "http://127.0.0.1:PORT" → PORT.
unsigned short port_of(const std::string& url) {
  return static_cast<unsigned short>(std::stoi(url.substr(url.rfind(':') + 1)));
}

settings parse(int argc, char** argv) {
  namespace po = boost::program_options;
  settings s;
  po::options_description desc("bench_cloud_fanout options");
  desc.add_options()("help,h", "this help")("count,n", po::value(&s.count)->default_value(s.count), "sandboxes")(
      "latency-ms", po::value(&s.latency_ms)->default_value(s.latency_ms), "latency the fake adds to every request")(
      "provider", po::value(&s.provider)->default_value(s.provider),
      "provider whose fake is used: e2b, daytona, tensorlake, modal")(
      "connections", po::value(&s.connections)->default_value(s.connections),
      "keep-alive connections to the fake, for the library's pool and the raw client alike")(
      "no-echo", "the fake runs commands for real (tensorlake needs it: its exact-output wrapper "
                 "must run in the sandbox)");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, desc), vm);
  po::notify(vm);
  s.echo = vm.count("no-echo") == 0;
  if (vm.count("help")) {
    std::cout << desc << "\n";
    std::exit(0);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) try {
  const auto s = parse(argc, argv);
  fanout::raise_fd_limit();
  const auto profile = sbx_bench::profile_for(s.provider, {command, file_path, file_content});
  auto fake_args = profile.fake_args;
  fake_args.insert(fake_args.end(), {"--latency-ms", std::to_string(s.latency_ms)});
  if (s.echo) fake_args.emplace_back("--echo");
  sbx_fake::fake_launcher fake(sbx_fake::fake_program(s.provider), fake_args);

  std::optional<sbx_bench::raw_result> raw;
  if (profile.raw) raw = sbx_bench::run_raw_chains("127.0.0.1", port_of(fake.url()), *profile.raw, s.count, s.connections);
  const auto after_raw = served_requests(profile, fake);

  const auto rss_before = fanout::current_rss_bytes();
  const auto lib = run_library(s, profile.driver_options(fake.url()));
  const auto peak_rss = fanout::peak_rss_bytes();
  const auto lib_requests = served_requests(profile, fake) - after_raw;
  const auto left_live = fake.live_sandboxes();

  const double per_sandbox = s.count ? static_cast<double>(lib_requests) / static_cast<double>(s.count) : 0;
  const double floor_s = per_sandbox * s.latency_ms / 1000.0;
  const double capacity_s = raw ? fanout::to_seconds(raw->wall) : 0.0;
  const double wall_s = fanout::to_seconds(lib.wall);
  const double ratio = wall_s / std::max(floor_s, capacity_s);
  const double peak_mb = static_cast<double>(peak_rss) / 1e6;
  const double per_live_kb =
      lib.peak_live ? static_cast<double>(peak_rss - std::min(peak_rss, rss_before)) / 1e3 / static_cast<double>(lib.peak_live) : 0;

  using fanout::fixed;
  std::cout << "bench_cloud_fanout: " << s.count << " " << s.provider << " sandboxes (create, exec, write, read, destroy) "
            << "against sbx-fake-" << s.provider << (s.echo ? " --echo" : "") << " --latency-ms " << s.latency_ms
            << ", one thread, "
            << s.connections << " connections\n";
  std::cout << "  library: wall " << fixed(wall_s, 2) << " s, " << lib_requests << " requests ("
            << fixed(per_sandbox, 2) << " per sandbox), " << fixed(lib_requests / wall_s, 0) << " requests/s, "
            << lib.failed << " failed, peak live " << lib.peak_live << "\n";
  for (const auto* phase : phase_names) {
    const auto it = lib.phases.find(phase);
    const auto st = fanout::summarize_latencies(it == lib.phases.end() ? samples{} : it->second);
    std::cout << "    " << fanout::pad_left(phase, 8) << ": p50 " << fixed(fanout::to_ms(st.p50), 1) << " ms, p95 "
              << fixed(fanout::to_ms(st.p95), 1) << " ms, max " << fixed(fanout::to_ms(st.max), 1) << " ms\n";
  }
  if (raw)
    std::cout << "  raw Beast client: wall " << fixed(capacity_s, 2) << " s, " << raw->requests << " requests, "
              << fixed(raw->requests / capacity_s, 0) << " requests/s, " << raw->failed_sandboxes << " failed\n";
  else
    std::cout << "  raw Beast client: none written for " << s.provider << " (ratio against the floor only)\n";
  std::cout << "  latency floor: " << fixed(floor_s, 2) << " s (" << fixed(per_sandbox, 2) << " requests x "
            << s.latency_ms << " ms)\n";
  std::cout << "  ratio wall / max(floor, capacity): " << fixed(ratio, 2) << " (target <= " << fixed(ratio_target, 1)
            << ")\n";
  std::cout << "  peak RSS " << fixed(peak_mb, 1) << " MB (target < " << fixed(rss_target_mb, 0) << "), "
            << fixed(per_live_kb, 1) << " kB per live sandbox; fake's live sandboxes after the run: " << left_live << "\n";
  for (const auto& e : lib.errors) std::cout << "  error: " << e << "\n";

  json::object line{{"bench", "cloud_fanout"},
                    {"provider", s.provider},
                    {"count", s.count},
                    {"latency_ms", s.latency_ms},
                    {"echo", s.echo},
                    {"connections", s.connections},
                    {"wall_s", wall_s},
                    {"requests", lib_requests},
                    {"requests_per_sandbox", per_sandbox},
                    {"requests_per_s", lib_requests / wall_s},
                    {"floor_s", floor_s},
                    {"capacity_s", capacity_s},
                    {"raw_failed", raw ? json::value(raw->failed_sandboxes) : json::value()},
                    {"ratio", ratio},
                    {"peak_rss_mb", peak_mb},
                    {"rss_per_live_kb", per_live_kb},
                    {"peak_live", lib.peak_live},
                    {"failed", lib.failed},
                    {"left_live", left_live}};
  std::cout << json::serialize(line) << "\n";
  return lib.failed == 0 && left_live == 0 ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "bench_cloud_fanout: " << e.what() << "\n";
  return 2;
}
