// bench_ray_fanout: Ray sandboxes on the cluster at $RAY_ADDRESS (default
// http://127.0.0.1:8265), one thread: n sandboxes created at once, then each runs
// `--execs` execs one after another (all sandboxes at once), then all are destroyed;
// then one sandbox runs `--solo-execs` execs alone (the latency floor). Baseline, in the
// same run: the round trip of one trivial Ray job (submit `true`, poll every 10 ms until
// SUCCEEDED), through the Jobs API client the driver itself uses.
//
//   bench_ray_fanout [-n 100] [--execs 10] [--solo-execs 50] [--cpu 0.01] [--memory-mb 64]
//                    [--baseline-jobs 3]
//
// The small cpu/memory requests let a 2-CPU head schedule every sandbox (Ray reserves
// entrypoint resources for the job's lifetime). Prints human-readable lines, then one
// JSON line ({"bench":"ray_fanout",...}). Targets are reported, never asserted.
#include "drivers/ray/jobs_api.hpp"
#include "fanout/fanout_report.hpp"
#include "fanout/latency_stats.hpp"
#include "fanout/process_resources.hpp"
#include "fanout/units.hpp"
#include "owner_labels.hpp"

#include "sbx/blocking.hpp"
#include "sbx/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace sbx;
using clock_type = std::chrono::steady_clock;
using samples = std::vector<std::chrono::nanoseconds>;
using fanout::fixed;
using fanout::to_ms;

constexpr double exec_p50_target_ms = 20.0;

struct settings {
  std::size_t count = 100;
  std::size_t execs = 10;
  std::size_t solo_execs = 50;
  double cpu = 0.01;
  int memory_mb = 64;
  std::size_t baseline_jobs = 3;
};

struct measurements {
  samples job_round_trip;
  samples create;
  samples exec;  // every sandbox at once
  samples solo;  // one sandbox alone
  samples destroy;
  std::chrono::nanoseconds create_wall{};
  std::chrono::nanoseconds exec_wall{};
  std::size_t failed = 0;
  std::optional<std::string> first_error;

  void fail(const std::exception& e) {
    ++failed;
    if (!first_error) first_error = e.what();
  }
};

std::string ray_address() {
  const char* address = std::getenv("RAY_ADDRESS");
  const std::string value = address ? address : "";
  return value.starts_with("http://") || value.starts_with("https://") ? value : "http://127.0.0.1:8265";
}

awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
}

// Runs body(0..n-1) concurrently on this executor and waits for all of them.
awaitable<void> for_all(std::size_t n, const std::function<awaitable<void>(std::size_t)>& body) {
  const auto executor = co_await asio::this_coro::executor;
  auto remaining = std::make_shared<std::size_t>(n);
  auto all_done = std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
  for (std::size_t i = 0; i < n; ++i)
    asio::co_spawn(executor, body(i), [remaining, all_done](std::exception_ptr) {
      if (--*remaining == 0) all_done->cancel();
    });
  boost::system::error_code ignored;
  if (n > 0) co_await all_done->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

// A trivial job carrying the owner labels (so a sweep can collect it after a crash).
json::object trivial_job(const std::string& id, double cpu) {
  json::object metadata;
  for (const auto& [name, value] : detail::owner_labels(std::chrono::minutes(5))) metadata[name] = value;
  return {{"submission_id", id}, {"entrypoint", "true"}, {"entrypoint_num_cpus", cpu}, {"metadata", metadata}};
}

// The baseline: submit a trivial job, poll every 10 ms until it succeeded.
awaitable<std::chrono::nanoseconds> job_round_trip(const drivers::ray::jobs_api& jobs, double cpu) {
  const auto id = "sbx-bench-" + detail::random_hex(12);
  const auto request = trivial_job(id, cpu);
  const auto started = clock_type::now();
  co_await jobs.submit(request);
  for (;;) {
    const auto job = co_await jobs.job(id);
    if (job && job->status == "SUCCEEDED") break;
    if (!job || job->terminal()) throw std::runtime_error("baseline job " + id + " ended " + (job ? job->status : "unknown"));
    co_await sleep_for(std::chrono::milliseconds(10));
  }
  co_return clock_type::now() - started;  // the record stays: a sweep forgets it (see jobs_api::remove)
}

awaitable<std::chrono::nanoseconds> timed_exec(Sandbox& sandbox, std::size_t i) {
  const auto started = clock_type::now();
  const auto result = co_await sandbox.exec("echo " + std::to_string(i));
  const auto elapsed = clock_type::now() - started;
  if (result.exit_code != 0 || result.std_out != std::to_string(i) + "\n")
    throw std::runtime_error("exec returned " + std::to_string(result.exit_code) + ": " + result.std_err);
  co_return elapsed;
}

awaitable<measurements> measure(const settings& s) {
  measurements m;
  const drivers::ray::jobs_api jobs(http::make_connection_pool(), ray_address(), std::nullopt);
  for (std::size_t i = 0; i < s.baseline_jobs; ++i) m.job_round_trip.push_back(co_await job_round_trip(jobs, s.cpu));

  auto client = co_await Client::connect("ray");
  std::vector<std::optional<Sandbox>> sandboxes(s.count);
  CreateOptions options;
  options.cpu = s.cpu;
  options.memory_mb = s.memory_mb;
  options.create_timeout = std::chrono::minutes(15);  // a 2-CPU head starts ~1 job supervisor a second
  const auto creates_started = clock_type::now();
  co_await for_all(s.count, [&](std::size_t i) -> awaitable<void> {
    try {
      const auto started = clock_type::now();
      sandboxes[i].emplace(co_await client.create(options));
      m.create.push_back(clock_type::now() - started);
    } catch (const std::exception& e) {
      m.fail(e);
    }
  });
  m.create_wall = clock_type::now() - creates_started;

  const auto execs_started = clock_type::now();
  co_await for_all(s.count, [&](std::size_t i) -> awaitable<void> {
    if (!sandboxes[i]) co_return;
    try {
      for (std::size_t j = 0; j < s.execs; ++j) m.exec.push_back(co_await timed_exec(*sandboxes[i], j));
    } catch (const std::exception& e) {
      m.fail(e);
    }
  });
  m.exec_wall = clock_type::now() - execs_started;

  if (const auto first = std::find_if(sandboxes.begin(), sandboxes.end(), [](auto& sb) { return sb.has_value(); });
      first != sandboxes.end()) {
    try {
      for (std::size_t j = 0; j < s.solo_execs; ++j) m.solo.push_back(co_await timed_exec(**first, j));
    } catch (const std::exception& e) {
      m.fail(e);
    }
  }

  co_await for_all(s.count, [&](std::size_t i) -> awaitable<void> {
    if (!sandboxes[i]) co_return;
    try {
      const auto started = clock_type::now();
      co_await sandboxes[i]->destroy();
      m.destroy.push_back(clock_type::now() - started);
    } catch (const std::exception& e) {
      m.fail(e);
    }
  });
  co_return m;
}

std::string ms(std::chrono::nanoseconds d) { return fixed(to_ms(d), 1) + " ms"; }

void print_line(const char* label, const fanout::latency_stats& stats, const std::string& note) {
  std::cout << label << "p50 " << ms(stats.p50) << "  p95 " << ms(stats.p95) << "  max " << ms(stats.max) << "  ("
            << stats.count << note << ")\n";
}

int run(const settings& s) {
  fanout::raise_fd_limit();
  asio::io_context context(1);
  const auto m = blocking::run(context, measure(s));
  const auto baseline = fanout::summarize_latencies(m.job_round_trip);
  const auto create = fanout::summarize_latencies(m.create);
  const auto exec = fanout::summarize_latencies(m.exec);
  const auto solo = fanout::summarize_latencies(m.solo);
  const auto destroy = fanout::summarize_latencies(m.destroy);
  const bool met = exec.count > 0 && to_ms(exec.p50) < exec_p50_target_ms;
  const double ratio = exec.count > 0 ? to_ms(baseline.p50) / to_ms(exec.p50) : 0.0;

  std::cout << "ray_fanout: " << s.count << " sandboxes at once (cpu " << s.cpu << ", memory " << s.memory_mb
            << " MiB) on " << ray_address() << ", " << s.execs << " execs each, one thread\n";
  print_line("baseline  Ray job round trip (submit `true`, wait SUCCEEDED): ", baseline, " jobs");
  print_line("create    ", create, " sandboxes, wall " + ms(m.create_wall));
  print_line("exec      ", exec,
             " execs, all sandboxes at once, " + fixed(fanout::per_second(exec.count, m.exec_wall), 0) + "/s");
  print_line("exec solo ", solo, " execs, one sandbox alone");
  print_line("destroy   ", destroy, " sandboxes at once");
  std::cout << "ratio job round trip / exec p50: " << fixed(ratio, 1) << "x\n"
            << "target exec p50 < " << exec_p50_target_ms << " ms: " << (met ? "met" : "NOT met") << "\n"
            << "failures: " << m.failed << (m.first_error ? " (first: " + *m.first_error + ")" : "") << "\n"
            << "peak RSS: " << fanout::megabytes(fanout::peak_rss_bytes()) << "\n";
  const json::object line{{"bench", "ray_fanout"},
                          {"n", s.count},
                          {"execs_per_sandbox", s.execs},
                          {"cpu", s.cpu},
                          {"memory_mb", s.memory_mb},
                          {"baseline", "ray job round trip"},
                          {"job_round_trip", fanout::latency_json(baseline)},
                          {"create", fanout::latency_json(create)},
                          {"create_wall_ms", to_ms(m.create_wall)},
                          {"exec", fanout::latency_json(exec)},
                          {"exec_per_s", fanout::per_second(exec.count, m.exec_wall)},
                          {"exec_solo", fanout::latency_json(solo)},
                          {"destroy", fanout::latency_json(destroy)},
                          {"ratio_job_round_trip_over_exec_p50", ratio},
                          {"exec_p50_target_met", met},
                          {"failed", m.failed}};
  std::cout << json::serialize(line) << std::endl;
  return m.failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  settings s;
  po::options_description options("bench_ray_fanout options");
  options.add_options()
      ("help,h", "show this help")
      ("count,n", po::value(&s.count)->default_value(s.count), "sandboxes created at once")
      ("execs", po::value(&s.execs)->default_value(s.execs), "execs per sandbox, one after another")
      ("solo-execs", po::value(&s.solo_execs)->default_value(s.solo_execs), "execs on one sandbox alone")
      ("cpu", po::value(&s.cpu)->default_value(s.cpu), "CPUs each sandbox reserves")
      ("memory-mb", po::value(&s.memory_mb)->default_value(s.memory_mb), "memory each sandbox reserves")
      ("baseline-jobs", po::value(&s.baseline_jobs)->default_value(s.baseline_jobs), "trivial Ray jobs timed");
  po::variables_map values;
  try {
    po::store(po::parse_command_line(argc, argv, options), values);
    po::notify(values);
  } catch (const po::error& e) {
    std::cerr << "bench_ray_fanout: " << e.what() << "\n" << options;
    return 2;
  }
  if (values.count("help") || s.count == 0 || s.baseline_jobs == 0) {
    std::cout << options;
    return values.count("help") ? 0 : 2;
  }
  try {
    return run(s);
  } catch (const std::exception& e) {
    std::cerr << "bench_ray_fanout: " << e.what() << "\n";
    return 1;
  }
}
