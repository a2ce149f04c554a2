// scheduler/: feasibility, ranking and failure classification (pure functions).
#include "scheduler/failure_kind.hpp"
#include "scheduler/feasibility.hpp"
#include "scheduler/ranking.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace {

using namespace std::chrono_literals;
using sbx::scheduler::candidate_facts;
using sbx::scheduler::failure_kind;

struct fixture {
  std::vector<sbx::RouterBackend> configs;
  std::vector<sbx::Capabilities> caps;
  std::vector<sbx::BackendPrice> prices;
  std::vector<std::optional<std::chrono::nanoseconds>> latencies;

  void add(std::string name, double vcpu_usd, sbx::Capabilities c = {},
           std::optional<std::chrono::nanoseconds> latency = {}) {
    configs.push_back({.name = name, .backend = name});
    caps.push_back(c);
    prices.push_back({.vcpu_per_hour_usd = vcpu_usd});
    latencies.push_back(latency);
  }

  std::vector<candidate_facts> facts() const {
    std::vector<candidate_facts> out;
    for (std::size_t i = 0; i < configs.size(); ++i) out.push_back({&configs[i], &caps[i], &prices[i], latencies[i]});
    return out;
  }

  std::vector<std::size_t> order(const sbx::CreateOptions& options, const sbx::PlacementRequirements& req = {}) const {
    std::vector<std::size_t> out;
    sbx::scheduler::placement_order(facts(), sbx::scheduler::make_profile(options), req, {}, out);
    return out;
  }
};

std::vector<std::string> reasons_of(const fixture& f, std::size_t i, const sbx::CreateOptions& options,
                                    const sbx::PlacementRequirements& req = {}) {
  std::vector<std::string> reasons;
  sbx::scheduler::check_feasible(f.configs[i], f.caps[i], sbx::scheduler::make_profile(options), req, &reasons);
  return reasons;
}

bool any_contains(const std::vector<std::string>& reasons, std::string_view text) {
  return std::any_of(reasons.begin(), reasons.end(), [&](const std::string& r) { return r.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("ranking puts the cheapest expected cost first", "[scheduler][ranking]") {
  fixture f;
  f.add("pricey", 0.09);
  f.add("cheap", 0.03);
  f.add("middle", 0.05);
  CHECK(f.order({}) == std::vector<std::size_t>{1, 2, 0});
}

TEST_CASE("equal costs are ordered by latency EWMA, unmeasured first, then by configuration order",
          "[scheduler][ranking]") {
  fixture f;
  f.add("slow", 0.05, {}, 900ms);
  f.add("fast", 0.05, {}, 100ms);
  f.add("unmeasured", 0.05);
  f.add("free", 0.0, {}, 5s);
  f.add("unmeasured-2", 0.05);
  CHECK(f.order({}) == std::vector<std::size_t>{3, 2, 4, 1, 0});
}

TEST_CASE("resources change the ranking through RAM prices", "[scheduler][ranking]") {
  fixture f;
  f.add("cpu-only", 0.083);
  f.add("cpu-and-ram", 0.036);
  f.prices[1].ram_gib_per_hour_usd = 0.018;
  CHECK(f.order({.cpu = 1, .memory_mb = 1024}) == std::vector<std::size_t>{1, 0});      // 0.054 < 0.083
  CHECK(f.order({.cpu = 1, .memory_mb = 4 * 1024}) == std::vector<std::size_t>{0, 1});  // 0.108 > 0.083
}

TEST_CASE("a billing minimum can outweigh a lower hourly price for short lifetimes", "[scheduler][ranking]") {
  fixture f;
  f.add("minimum", 0.04);
  f.prices[0].billing_minimum = 3600s;
  f.add("per-second", 0.06);
  CHECK(f.order({.timeout_secs = 60}) == std::vector<std::size_t>{1, 0});
  CHECK(f.order({.timeout_secs = 3600}) == std::vector<std::size_t>{0, 1});
}

TEST_CASE("infeasible candidates are left out, with every reason", "[scheduler][ranking]") {
  fixture f;
  f.add("plain", 0.01);
  f.add("capable", 0.09, {.network_control = true, .gpu = true, .images = true, .snapshots = true});
  f.add("templated", 0.02, {.templates = true});

  CHECK(f.order({.allow_internet = false}) == std::vector<std::size_t>{1});
  CHECK(f.order({.gpu = 1}) == std::vector<std::size_t>{1});
  CHECK(f.order({.image = "python:3.12"}) == std::vector<std::size_t>{1});
  CHECK(f.order({.template_name = "base"}) == std::vector<std::size_t>{2});
  CHECK(f.order({.snapshot_id = "snap"}) == std::vector<std::size_t>{1});

  const auto reasons = reasons_of(f, 0, {.image = "x", .allow_internet = false, .gpu = 2});
  CHECK(reasons.size() == 3);
  CHECK(any_contains(reasons, "network control"));
  CHECK(any_contains(reasons, "image"));
  CHECK(any_contains(reasons, "GPU"));
}

TEST_CASE("candidate limits, languages, region, labels and the allow-list", "[scheduler][ranking]") {
  fixture f;
  f.add("small", 0.01);
  f.configs[0].max_cpu = 2;
  f.configs[0].max_memory_mb = 2048;
  f.configs[0].languages = {"python", "bash"};
  f.configs[0].region = "eu";
  f.configs[0].labels = {{"tier", "gold"}};
  f.add("undeclared", 0.02);

  CHECK(f.order({.cpu = 2, .memory_mb = 2048}) == std::vector<std::size_t>{0, 1});
  CHECK(f.order({.cpu = 4}) == std::vector<std::size_t>{1});
  CHECK(f.order({.memory_mb = 4096}) == std::vector<std::size_t>{1});
  CHECK(f.order({}, {.languages = {"python"}}) == std::vector<std::size_t>{0, 1});
  CHECK(f.order({}, {.languages = {"ruby"}}) == std::vector<std::size_t>{1});
  CHECK(f.order({}, {.region = "eu"}) == std::vector<std::size_t>{0});
  CHECK(f.order({}, {.region = "us"}).empty());
  CHECK(f.order({}, {.labels = {{"tier", "gold"}}}) == std::vector<std::size_t>{0});
  CHECK(f.order({}, {.candidates = {"undeclared"}}) == std::vector<std::size_t>{1});

  CHECK(any_contains(reasons_of(f, 0, {.cpu = 4}), "cpu 4 exceeds its maximum 2"));
  CHECK(any_contains(reasons_of(f, 1, {}, {.languages = {"ruby"}}), "languages not declared"));
  CHECK(any_contains(reasons_of(f, 1, {.cpu = 2}), "cpu is not enforced"));
}

TEST_CASE("rank_all lists feasible candidates in order, then the rest with reasons", "[scheduler][ranking]") {
  fixture f;
  f.add("no-net", 0.01);
  f.add("net", 0.05, {.network_control = true});
  const auto ranked = sbx::scheduler::rank_all(f.facts(), sbx::scheduler::make_profile({.cpu = 2, .allow_internet = false}),
                                               {}, {.lifetime = 3600s, .execs = 0});
  REQUIRE(ranked.size() == 2);
  CHECK(ranked[0].name == "net");
  CHECK(ranked[0].feasible);
  CHECK(ranked[0].hourly_usd == Approx(0.10));
  CHECK(ranked[0].expected_usd == Approx(0.10));
  CHECK(ranked[1].name == "no-net");
  CHECK_FALSE(ranked[1].feasible);
  CHECK(any_contains(ranked[1].reasons, "allow_internet=false"));
}

TEST_CASE("failures are classified from the error class, context and message", "[scheduler][failover]") {
  using sbx::scheduler::classify_failure;
  CHECK(classify_failure(sbx::SandboxConfigurationError("bad")) == failure_kind::config);
  CHECK(classify_failure(sbx::BackendNotInstalledError("missing")) == failure_kind::config);
  CHECK(classify_failure(sbx::FeatureNotSupportedError("no")) == failure_kind::unsupported);
  CHECK(classify_failure(sbx::SandboxCreationError("x", {.context = {{"status", "401"}}})) == failure_kind::auth);
  CHECK(classify_failure(sbx::SandboxCreationError("403: Forbidden")) == failure_kind::auth);
  CHECK(classify_failure(sbx::SandboxCreationError("Invalid API key")) == failure_kind::auth);
  CHECK(classify_failure(sbx::SandboxCreationError("x", {.context = {{"status", "429"}}})) == failure_kind::rate_limited);
  CHECK(classify_failure(sbx::SandboxConnectionError("Too Many Requests")) == failure_kind::rate_limited);
  CHECK(classify_failure(sbx::SandboxCreationError("x", {.context = {{"error_code", "sandbox_capacity_unavailable"}}})) ==
        failure_kind::capacity);
  CHECK(classify_failure(sbx::SandboxCreationError("sandbox limit reached")) == failure_kind::capacity);
  CHECK(classify_failure(sbx::SandboxConnectionError("connection refused")) == failure_kind::transient);
  CHECK(classify_failure(sbx::SandboxTimeoutError("create did not finish")) == failure_kind::transient);
  CHECK(classify_failure(sbx::SandboxCreationError("x", {.context = {{"status", "503"}}})) == failure_kind::transient);

  CHECK(sbx::scheduler::fails_over(failure_kind::transient));
  CHECK(sbx::scheduler::fails_over(failure_kind::unsupported));
  CHECK_FALSE(sbx::scheduler::counts_against_health(failure_kind::unsupported));
  CHECK_FALSE(sbx::scheduler::fails_over(failure_kind::auth));
  CHECK_FALSE(sbx::scheduler::fails_over(failure_kind::config));
}
