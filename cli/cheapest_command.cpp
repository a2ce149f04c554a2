// sbx cheapest [--cpu N] [--memory MB] [requirements] [--router FILE] [--json]
#include "command_args.hpp"
#include "commands.hpp"
#include "sandbox_flags.hpp"
#include "text_table.hpp"

#include "sbx/registry.hpp"
#include "sbx/router.hpp"

#include <boost/json/serialize.hpp>
#include <boost/program_options/value_semantic.hpp>

#include <cstdio>
#include <iostream>

namespace sbx::cli {

namespace {

struct cheapest_flags {
  double cpu = 1;
  int memory_mb = 1024;
  int disk_mb = 0;
  int gpu = 0;
  std::string image;
  std::string template_name;
  std::string snapshot_id;
  bool no_internet = false;
  int lifetime_secs = 600;
  std::vector<std::string> languages;
  std::string region;
  std::vector<std::string> labels;
  std::vector<std::string> backends;
  std::string router_file;
  std::string pricing_file;
  bool json = false;
};

std::string money(double value, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "$%.*f", digits, value);
  return text;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

CreateOptions request_of(const cheapest_flags& f) {
  CreateOptions o{.cpu = f.cpu, .memory_mb = f.memory_mb, .timeout_secs = f.lifetime_secs};
  if (f.disk_mb > 0) o.disk_mb = f.disk_mb;
  if (!f.image.empty()) o.image = f.image;
  if (!f.template_name.empty()) o.template_name = f.template_name;
  if (f.no_internet) o.allow_internet = false;
  if (!f.snapshot_id.empty()) o.snapshot_id = f.snapshot_id;
  if (f.gpu > 0) o.gpu = f.gpu;
  return o;
}

PlacementRequirements requirements_of(const cheapest_flags& f) {
  PlacementRequirements r{.languages = f.languages};
  if (!f.region.empty()) r.region = f.region;
  if (!f.router_file.empty()) r.candidates = f.backends;
  for (const auto& label : f.labels) {
    const auto [key, value] = parse_env_assignment(label);
    r.labels[key] = value;
  }
  return r;
}

// The router config, or every registered backend (those without a price are returned
// in `unpriced`).
RouterOptions candidates_of(const cheapest_flags& f, std::vector<std::string>& unpriced) {
  if (!f.router_file.empty()) {
    auto options = RouterOptions::load(f.router_file);
    if (!f.pricing_file.empty()) options.pricing = PricingTable::load(f.pricing_file);
    return options;
  }
  RouterOptions options;
  if (!f.pricing_file.empty()) options.pricing = PricingTable::load(f.pricing_file);
  for (const auto& name : f.backends.empty() ? backend_names() : f.backends) {
    const auto backend = find_backend(name).name;
    if (options.pricing.find(backend))
      options.backends.push_back({.backend = backend});
    else
      unpriced.push_back(backend);
  }
  return options;
}

std::string ranking_table(const std::vector<RankedCandidate>& ranked, const std::vector<std::string>& unpriced) {
  std::vector<std::vector<std::string>> rows{{"rank", "candidate", "backend", "per hour", "expected", "why"}};
  std::size_t rank = 0;
  for (const auto& c : ranked) {
    const auto why = c.feasible ? joined(c.reasons) : "infeasible: " + joined(c.reasons);
    rows.push_back({c.feasible ? std::to_string(++rank) : "–", c.name, c.backend, money(c.hourly_usd, 4),
                    money(c.expected_usd, 6), why.empty() ? "–" : why});
  }
  for (const auto& name : unpriced) rows.push_back({"–", name, name, "?", "?", "not in the price table"});
  return format_table(rows);
}

boost::json::object ranked_json(const RankedCandidate& c) {
  return {{"name", c.name},
          {"backend", c.backend},
          {"feasible", c.feasible},
          {"reasons", boost::json::array(c.reasons.begin(), c.reasons.end())},
          {"hourly_usd", c.hourly_usd},
          {"expected_usd", c.expected_usd}};
}

}  // namespace

int cheapest_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  cheapest_flags f;
  command_spec spec{
      .usage = "sbx cheapest [--cpu N] [--memory MB] [requirements] [--router FILE] [--json]",
      .description =
          "Ranks the backends for a sandbox as the router would place it: the feasible ones by\n"
          "expected cost (the price for these resources over --lifetime, with each provider's\n"
          "billing granularity and minimum), then the ones that cannot run it, with why. The\n"
          "candidates are the router config's (--router), else every registered backend with a\n"
          "price. Health and load are not considered here.\n"
          "  sbx cheapest --cpu 2 --memory 4096\n"
          "  sbx cheapest --no-internet --language python --router router.json"};
  spec.options.add_options()
      ("cpu", po::value(&f.cpu)->value_name("N"), "vCPUs (default 1)")
      ("memory", po::value(&f.memory_mb)->value_name("MB"), "memory in MB (default 1024)")
      ("disk", po::value(&f.disk_mb)->value_name("MB"), "disk in MB (storage is priced per GiB-month)")
      ("gpu", po::value(&f.gpu)->value_name("N"), "GPUs")
      ("image", po::value(&f.image)->value_name("IMAGE"), "needs a backend that starts from images")
      ("template", po::value(&f.template_name)->value_name("NAME"), "needs a backend with templates")
      ("snapshot", po::value(&f.snapshot_id)->value_name("ID"), "needs a backend that restores snapshots")
      ("no-internet", po::bool_switch(&f.no_internet), "needs allow_internet=false enforced")
      ("language", po::value(&f.languages)->value_name("LANG")->composing(), "needs this run_code language (repeatable)")
      ("region", po::value(&f.region)->value_name("REGION"), "needs a candidate in this region")
      ("label", po::value(&f.labels)->value_name("K=V")->composing(), "needs this candidate label (repeatable)")
      ("lifetime", po::value(&f.lifetime_secs)->value_name("SECS"), "expected lifetime (default 600)")
      ("backend,b", po::value(&f.backends)->value_name("B")->composing(),
       "rank only these backends (with --router: candidate names; repeatable)")
      ("router", po::value(&f.router_file)->value_name("FILE"), "rank the candidates of this router config")
      ("pricing", po::value(&f.pricing_file)->value_name("FILE"), "price table instead of the built-in one")
      ("json", po::bool_switch(&f.json), "print the ranking as JSON");
  const auto line = parse_command_line(args, spec);
  if (line.help) {
    print_help(spec);
    return 0;
  }
  if (f.cpu <= 0 || f.memory_mb <= 0 || f.lifetime_secs <= 0) throw usage_error("--cpu, --memory and --lifetime must be positive");
  std::vector<std::string> unpriced;
  auto options = candidates_of(f, unpriced);
  if (line.values.count("lifetime") || !options.expected_lifetime)
    options.expected_lifetime = std::chrono::seconds(f.lifetime_secs);
  if (const auto warning = pricing_staleness_warning(options.pricing, utc_today(), options.pricing_max_age_days))
    std::cerr << "sbx cheapest: warning: " << *warning << "\n";
  const auto ranked = rank_candidates(options, request_of(f), requirements_of(f));
  if (f.json) {
    boost::json::array list;
    for (const auto& c : ranked) list.push_back(ranked_json(c));
    std::cout << boost::json::serialize(boost::json::object{{"lifetime_secs", options.expected_lifetime->count()},
                                                            {"prices_as_of", options.pricing.last_updated},
                                                            {"ranking", std::move(list)},
                                                            {"unpriced", boost::json::array(unpriced.begin(), unpriced.end())}})
              << "\n";
    return 0;
  }
  char header[160];
  std::snprintf(header, sizeof header, "cpu %g, memory %d MB, over %lld s (prices as of %s):\n", f.cpu, f.memory_mb,
                static_cast<long long>(options.expected_lifetime->count()), options.pricing.last_updated.c_str());
  std::cout << header << ranking_table(ranked, unpriced);
  return 0;
}

}  // namespace sbx::cli
