// sbx fanout -n N [options] -- CMD...
#include "command_args.hpp"
#include "commands.hpp"
#include "progress_line.hpp"
#include "run_async.hpp"
#include "sandbox_flags.hpp"

#include "fanout/command_words.hpp"
#include "fanout/fanout_report.hpp"
#include "fanout/fanout_runner.hpp"
#include "fanout/process_resources.hpp"
#include "fanout/units.hpp"

#include "sbx/router.hpp"
#include "sbx/shutdown.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options/value_semantic.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

namespace sbx::cli {

namespace {

std::string progress_text(const fanout::fanout_progress& progress, std::size_t count) {
  auto text = "  " + std::to_string(progress.done) + "/" + std::to_string(count) + " done, " +
              std::to_string(progress.failed) + " failed, " +
              fanout::fixed(fanout::per_second(progress.done, progress.elapsed), 1) + "/s";
  if (progress.stopping) text += ", stopping: destroying " + std::to_string(progress.live) + " live";
  return text;
}

// Router time spent choosing, per placement.
double placement_micros(const RouterStats& stats) {
  if (stats.placements == 0) return 0;
  return std::chrono::duration<double, std::micro>(stats.placement_time).count() / static_cast<double>(stats.placements);
}

// Placement counters and the cost totals (without the per-sandbox list).
boost::json::object router_report_json(const Router& router) {
  const auto stats = router.stats();
  auto costs = router.costs().to_json();
  costs.erase("sandboxes");
  return {{"placements", stats.placements},
          {"failovers", stats.failovers},
          {"queued", stats.queued},
          {"placement_us_per_create", placement_micros(stats)},
          {"cost", std::move(costs)}};
}

std::string router_report_text(const Router& router) {
  const auto stats = router.stats();
  return "router: " + std::to_string(stats.placements) + " placements, " + std::to_string(stats.failovers) +
         " failovers, " + std::to_string(stats.queued) + " queued, placement " +
         fanout::fixed(placement_micros(stats), 1) + " us per create\ncost:\n" + router.costs().to_text();
}

// With a router config, sandboxes are placed by a Router and its costs are reported.
awaitable<int> run_fanout(std::string backend, std::string router_file, fanout::fanout_options options, bool json) {
  fanout::raise_fd_limit();
  const auto count = options.count;
  const fanout::run_description run{.backend = router_file.empty() ? backend : "router " + router_file,
                                    .command = fanout::display_words(options.command),
                                    .concurrency = options.concurrency};
  const auto executor = co_await boost::asio::this_coro::executor;
  std::optional<Router> router;
  if (!router_file.empty()) {
    auto router_options = RouterOptions::load(router_file);
    if (const auto warning = pricing_staleness_warning(router_options.pricing, utc_today(),
                                                       router_options.pricing_max_age_days))
      std::cerr << "sbx fanout: warning: " << *warning << "\n";
    router.emplace(executor, std::move(router_options));
  }
  std::unique_ptr<fanout::fanout_runner> runner;
  if (router)
    runner = std::make_unique<fanout::fanout_runner>(
        [&router](CreateOptions create) { return router->create(std::move(create)); }, std::move(options));
  else
    runner = std::make_unique<fanout::fanout_runner>(co_await Client::connect(backend), std::move(options));
  interrupt_guard guard(executor);

  fanout::fanout_result result;
  auto run_all = [&]() -> awaitable<void> { result = co_await runner->run(); };
  {
    progress_line progress(executor, [&] { return progress_text(runner->progress(), count); });
    // A signal cancels run(), which then stops and destroys every live sandbox.
    co_await guard.run(run_all());
  }
  const auto peak_rss = fanout::peak_rss_bytes();
  if (json) {
    auto report = fanout::report_json(run, result, peak_rss);
    if (router) report["router"] = router_report_json(*router);
    std::cout << boost::json::serialize(report) << std::endl;
  } else {
    std::cout << fanout::report_text(run, result, peak_rss);
    if (router) std::cout << "\n" << router_report_text(*router);
    std::cout << std::flush;
  }
  if (result.stopped) co_return exit_interrupted;
  co_return result.failed > 0 ? 1 : 0;
}

}  // namespace

int fanout_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  sandbox_flags flags;
  fanout::fanout_options options;
  bool json = false;
  std::string router_file;
  command_spec spec{
      .usage = "sbx fanout -n N [options] -- CMD...",
      .description =
          "Runs N sandboxes at once on one thread, each: create, run CMD, destroy. Prints the\n"
          "wall time, throughput, p50/p95/p99/max latency of each phase, failures (errors,\n"
          "non-zero exits, timeouts) and peak RSS. \"{i}\" in CMD becomes the sandbox's index.\n"
          "A terminal shows live progress on stderr. SIGINT/SIGTERM stop new sandboxes, cancel\n"
          "running commands and destroy every live sandbox (exit status 130). Exit status: 1\n"
          "if any sandbox failed, else 0.\n"
          "  sbx fanout -n 1000 --backend local -- echo hi",
      .positional_name = "command"};
  spec.options.add_options()
      ("count,n", po::value(&options.count)->required()->value_name("N"), "number of sandboxes")
      ("concurrency", po::value(&options.concurrency)->value_name("C"),
       "at most C sandboxes at once (default: N)")
      ("json", po::bool_switch(&json), "print the summary as one JSON object")
      ("router", po::value(&router_file)->value_name("FILE"),
       "place sandboxes with a router config (JSON) instead of --backend; prints its costs");
  add_sandbox_flags(spec.options, flags);
  const auto line = parse_command_line(args, spec);
  if (line.help) {
    print_help(spec);
    return 0;
  }
  if (line.words.empty()) throw usage_error("no command given");
  if (options.count == 0) throw usage_error("-n must be at least 1");
  options.concurrency = options.concurrency == 0 ? options.count : std::min(options.concurrency, options.count);
  options.create = create_options(flags);
  options.command = line.words;
  options.exec = exec_options(flags);
  return run_async(run_fanout(flags.backend, router_file, std::move(options), json));
}

}  // namespace sbx::cli
