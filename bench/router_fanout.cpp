// bench_router_fanout: N sandboxes (create + `true` + destroy) placed by a Router over
// three in-process providers with different prices, latencies and admission limits; the
// cheapest fails 20% of its creates. Checks that every sandbox completes, that the cost
// report equals the sum of the per-sandbox meters (and each meter its own lifetime's
// bill), that no provider exceeded its limit (creates beyond all limits queue), and prints the router's placement
// overhead per create two ways: its own accounting (wall time inside Router::create
// outside the provider's create), and the thread CPU time of Router::create minus
// Client::create on a zero-latency provider (the baseline, same process).
//
//   bench_router_fanout [-n 10000] [--concurrency 2000] [--overhead-n 20000]
//
// Prints human-readable lines, then one JSON line ({"bench":"router_fanout",...}).
// The providers are the unit tests' scripted in-process drivers, not loopback fakes.
#include "fanout/fanout_report.hpp"
#include "fanout/fanout_runner.hpp"
#include "fanout/units.hpp"

#include "sbx/blocking.hpp"
#include "sbx/router.hpp"
#include "test_router_driver.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>

#include <cmath>
#include <ctime>
#include <iostream>

namespace {

namespace json = boost::json;
using namespace sbx;
using namespace std::chrono_literals;
using fanout::fixed;

constexpr double overhead_target_us = 20.0;

struct settings {
  std::size_t count = 10000;
  std::size_t concurrency = 2000;  // more than the 1,100 slots: the rest queue
  std::size_t overhead_count = 20000;
};

struct provider {
  const char* name;
  double vcpu_per_hour_usd;
  std::chrono::microseconds latency;
  double failure_rate;
  std::size_t max_running;  // 0: no limit
};

constexpr provider providers[] = {
    {"cheap", 0.02, 4000us, 0.2, 400},
    {"mid", 0.05, 2000us, 0.0, 400},
    {"dear", 0.09, 1000us, 0.0, 300},
};

struct fanout_measurement {
  fanout::fanout_result result;
  CostReport costs;
  RouterStats stats;
  std::vector<CandidateHealth> health;
  std::vector<std::shared_ptr<sbx_test::scripted_backend>> backends;
  std::chrono::nanoseconds cpu{};  // thread CPU time of the fan-out
  std::size_t meters_checked = 0;
  std::size_t meter_mismatches = 0;
  double sum_of_meters = 0;
  double sum_by_backend = 0;
};

struct overhead_measurement {
  double client_us = 0;  // per create + destroy through Client
  double router_us = 0;  // the same through Router
  double self_reported_us = 0;
};

// CPU time of this thread: other processes on a busy machine do not count.
std::chrono::nanoseconds thread_cpu_time() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

RouterOptions fanout_router(std::vector<std::shared_ptr<sbx_test::scripted_backend>>& backends) {
  RouterOptions options;
  for (const auto& p : providers) {
    auto backend = sbx_test::register_scripted(std::string("bench-") + p.name);
    backend->create_latency = p.latency;
    backend->failure_rate = p.failure_rate;
    backends.push_back(backend);
    options.backends.push_back({.name = p.name,
                                .backend = backend->name,
                                .max_running = p.max_running,
                                .price = BackendPrice{.vcpu_per_hour_usd = p.vcpu_per_hour_usd}});
  }
  return options;
}

// Every meter against the bill of its own lifetime, and the totals against the meters.
void check_costs(fanout_measurement& m, const RouterOptions& options) {
  for (const auto& sandbox : m.costs.sandboxes) {
    const BackendPrice* price = nullptr;
    for (const auto& c : options.backends)
      if (c.name == sandbox.candidate) price = &*c.price;
    const auto lifetime = sandbox.ended ? *sandbox.ended - sandbox.started : std::chrono::nanoseconds::max();
    const bool matches = price && sandbox.usd == billed_cost_usd(*price, sandbox.resources, lifetime, sandbox.execs);
    ++m.meters_checked;
    m.meter_mismatches += matches ? 0 : 1;
    m.sum_of_meters += sandbox.usd;
  }
  for (const auto& [name, total] : m.costs.by_backend) m.sum_by_backend += total.usd;
}

awaitable<fanout_measurement> measure_fanout(const settings& s) {
  fanout_measurement m;
  const auto options = fanout_router(m.backends);
  Router router(co_await boost::asio::this_coro::executor, options);
  fanout::fanout_runner runner([&router](CreateOptions create) { return router.create(std::move(create)); },
                               {.count = s.count, .concurrency = s.concurrency, .command = {"true"}});
  const auto cpu_before = thread_cpu_time();
  m.result = co_await runner.run();
  m.cpu = thread_cpu_time() - cpu_before;
  m.costs = router.costs();
  m.stats = router.stats();
  m.health = router.health();
  check_costs(m, options);
  co_return m;
}

// Sequential create + destroy, `count` times; CPU microseconds per sandbox.
template <class Create>
awaitable<double> create_destroy_loop(std::size_t count, Create create) {
  const auto started = thread_cpu_time();
  for (std::size_t i = 0; i < count; ++i) {
    auto sandbox = co_await create();
    co_await sandbox.destroy();
  }
  co_return std::chrono::duration<double, std::micro>(thread_cpu_time() - started).count() / static_cast<double>(count);
}

awaitable<overhead_measurement> measure_overhead(const settings& s) {
  const auto executor = co_await boost::asio::this_coro::executor;
  const auto zero = sbx_test::register_scripted("bench-zero-latency");
  auto client = co_await Client::connect(zero->name);
  Router router(executor, {.backends = {{.backend = zero->name, .price = BackendPrice{.vcpu_per_hour_usd = 0.01}}}});
  auto via_client = [&] { return client.create(); };
  auto via_router = [&] { return router.create(); };
  co_await create_destroy_loop(s.overhead_count / 10, via_client);  // warm-up
  co_await create_destroy_loop(s.overhead_count / 10, via_router);
  const auto placed_before = router.stats();
  overhead_measurement m;
  // Alternate halves so drift (caches, frequency) hits both sides alike.
  for (int round = 0; round < 2; ++round) {
    m.client_us += co_await create_destroy_loop(s.overhead_count / 2, via_client) / 2;
    m.router_us += co_await create_destroy_loop(s.overhead_count / 2, via_router) / 2;
  }
  const auto placed = router.stats();
  m.self_reported_us = std::chrono::duration<double, std::micro>(placed.placement_time - placed_before.placement_time).count() /
                       static_cast<double>(placed.placements - placed_before.placements);
  co_return m;
}

std::string verdict(bool met) { return met ? "met" : "NOT met"; }

// No provider ever held more sandboxes than its limit.
bool within_limits(const fanout_measurement& m) {
  for (std::size_t i = 0; i < m.backends.size(); ++i)
    if (providers[i].max_running && m.backends[i]->max_live > providers[i].max_running) return false;
  return true;
}

bool totals_match(const fanout_measurement& m) {
  const double total = m.costs.total.usd;
  return m.meter_mismatches == 0 && m.sum_of_meters == total &&
         std::abs(m.sum_by_backend - total) <= 1e-9 * std::max(total, 1e-12);
}

void print_text(const settings& s, const fanout_measurement& f, const overhead_measurement& o) {
  const auto& r = f.result;
  std::cout << "router_fanout: " << s.count << " sandboxes, concurrency " << s.concurrency
            << ", one thread, in-process scripted providers\n";
  for (std::size_t i = 0; i < f.health.size(); ++i) {
    const auto& h = f.health[i];
    const auto& b = *f.backends[i];
    std::cout << "  " << h.name << ": $" << providers[i].vcpu_per_hour_usd << "/vCPU-h, "
              << providers[i].latency.count() << " us create, limit "
              << (providers[i].max_running ? std::to_string(providers[i].max_running) : "none") << ": "
              << h.creates_succeeded << " placed, " << h.creates_failed << " failed creates, peak live " << b.max_live
              << ", breaker " << to_string(h.breaker) << "\n";
  }
  std::cout << "completed " << r.succeeded << "/" << r.requested << " (" << r.failed << " failed) in "
            << fixed(std::chrono::duration<double>(r.wall).count(), 2) << " s wall, "
            << fixed(std::chrono::duration<double>(f.cpu).count(), 2) << " s CPU ("
            << fixed(std::chrono::duration<double, std::micro>(f.cpu).count() / static_cast<double>(s.count), 1)
            << " us per sandbox); " << f.stats.failovers
            << " failovers, " << f.stats.queued << " queued; limits respected: " << verdict(within_limits(f)) << "\n"
            << "cost: total $" << fixed(f.costs.total.usd, 6) << " = sum of " << f.meters_checked
            << " per-sandbox meters $" << fixed(f.sum_of_meters, 6) << " (" << f.meter_mismatches
            << " meters differ from their lifetime's bill; per-backend sum $" << fixed(f.sum_by_backend, 6)
            << "): " << verdict(totals_match(f)) << "\n"
            << "placement overhead per create (target < " << overhead_target_us << " us):\n"
            << "  Router::create - Client::create, zero-latency provider, " << s.overhead_count
            << " sequential creates + destroys, thread CPU time: " << fixed(o.router_us - o.client_us, 2)
            << " us (client " << fixed(o.client_us, 2) << " us, router " << fixed(o.router_us, 2)
            << " us per sandbox): " << verdict(o.router_us - o.client_us < overhead_target_us) << "\n"
            << "  router's own placement time: " << fixed(o.self_reported_us, 2) << " us per placement; in the fan-out "
            << fixed(std::chrono::duration<double, std::micro>(f.stats.placement_time).count() /
                         static_cast<double>(f.stats.placements), 2)
            << " us\n";
}

json::object json_line(const settings& s, const fanout_measurement& f, const overhead_measurement& o) {
  json::object candidates;
  for (std::size_t i = 0; i < f.health.size(); ++i)
    candidates[f.health[i].name] = {{"placed", f.health[i].creates_succeeded},
                                    {"failed_creates", f.health[i].creates_failed},
                                    {"peak_live", f.backends[i]->max_live},
                                    {"usd", f.costs.by_backend.contains(f.health[i].name)
                                                ? f.costs.by_backend.at(f.health[i].name).usd
                                                : 0.0}};
  return {{"bench", "router_fanout"},
          {"n", s.count},
          {"concurrency", s.concurrency},
          {"providers", "in-process scripted"},
          {"succeeded", f.result.succeeded},
          {"failed", f.result.failed},
          {"wall_s", std::chrono::duration<double>(f.result.wall).count()},
          {"cpu_s", std::chrono::duration<double>(f.cpu).count()},
          {"failovers", f.stats.failovers},
          {"queued", f.stats.queued},
          {"candidates", std::move(candidates)},
          {"cost_total_usd", f.costs.total.usd},
          {"cost_sum_of_meters_usd", f.sum_of_meters},
          {"cost_matches", totals_match(f)},
          {"within_limits", within_limits(f)},
          {"overhead_n", s.overhead_count},
          {"client_us_per_sandbox", o.client_us},
          {"router_us_per_sandbox", o.router_us},
          {"placement_overhead_us", o.router_us - o.client_us},
          {"placement_self_reported_us", o.self_reported_us},
          {"overhead_target_met", o.router_us - o.client_us < overhead_target_us}};
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  settings s;
  po::options_description options("bench_router_fanout options");
  options.add_options()("help,h", "show this help")
      ("count,n", po::value(&s.count), "sandboxes in the fan-out (default 10000)")
      ("concurrency", po::value(&s.concurrency), "at most this many at once (default 2000)")
      ("overhead-n", po::value(&s.overhead_count), "sequential creates per side of the overhead baseline (default 20000)");
  po::variables_map values;
  po::store(po::parse_command_line(argc, argv, options), values);
  po::notify(values);
  if (values.count("help")) {
    std::cout << options;
    return 0;
  }
  boost::asio::io_context context(1);
  const auto fan = sbx::blocking::run(context, measure_fanout(s));
  const auto overhead = sbx::blocking::run(context, measure_overhead(s));
  print_text(s, fan, overhead);
  std::cout << json::serialize(json_line(s, fan, overhead)) << std::endl;
  const bool ok = fan.result.succeeded == s.count && totals_match(fan) && within_limits(fan);
  return ok ? 0 : 1;
}
