// sbx::RouterOptions from JSON, candidate validation and static ranking.
#include "sbx/router.hpp"

#include "owner_labels.hpp"
#include "sbx/errors.hpp"
#include "test_router_driver.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("sbx-router-config-" + sbx::detail::random_hex(8));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("router config: every key is read", "[router][config]") {
  const auto options = sbx::RouterOptions::parse(R"({
    "backends": [
      {"name": "cheap", "backend": "e2b", "driver_options": {"base_url": "http://127.0.0.1:1"},
       "create_timeout_ms": 1500, "exec_timeout_ms": 2500, "max_running": 4, "max_creates_in_flight": 2,
       "price": {"vcpu_per_hour_usd": 0.02}, "max_cpu": 8, "max_memory_mb": 8192,
       "languages": ["python"], "region": "eu", "labels": {"tier": "gold"}},
      {"backend": "Local"}
    ],
    "pricing_max_age_days": 30, "budget_usd": 12.5,
    "breaker": {"consecutive_failures": 7, "failure_rate": 0.25, "window": 40, "min_samples": 8, "cooldown_ms": 1000},
    "latency_alpha": 0.5, "expected_lifetime_secs": 120, "expected_execs": 3, "journal": "costs.jsonl"
  })", "/base");
  REQUIRE(options.backends.size() == 2);
  const auto& cheap = options.backends[0];
  CHECK(cheap.name == "cheap");
  CHECK(cheap.backend == "e2b");
  CHECK(cheap.client.driver_options.at("base_url") == "http://127.0.0.1:1");
  CHECK(cheap.client.create_timeout == 1500ms);
  CHECK(cheap.client.exec_timeout == 2500ms);
  CHECK(cheap.max_running == 4);
  CHECK(cheap.max_creates_in_flight == 2);
  REQUIRE(cheap.price);
  CHECK(cheap.price->vcpu_per_hour_usd == 0.02);
  CHECK(cheap.price->pricing_url == sbx::PricingTable::builtin().find("e2b")->pricing_url);  // merged
  CHECK(cheap.max_cpu == 8);
  CHECK(cheap.max_memory_mb == 8192);
  CHECK(cheap.languages == std::vector<std::string>{"python"});
  CHECK(cheap.region == "eu");
  CHECK(cheap.labels.at("tier") == "gold");
  CHECK(options.backends[1].name.empty());
  CHECK_FALSE(options.backends[1].price);
  CHECK(options.pricing_max_age_days == 30);
  CHECK(options.budget_usd == 12.5);
  CHECK(options.breaker.consecutive_failures == 7);
  CHECK(options.breaker.failure_rate == 0.25);
  CHECK(options.breaker.window == 40);
  CHECK(options.breaker.min_samples == 8);
  CHECK(options.breaker.cooldown == 1000ms);
  CHECK(options.latency_alpha == 0.5);
  CHECK(options.expected_lifetime == 120s);
  CHECK(options.expected_execs == 3);
  CHECK(options.journal == fs::path("/base/costs.jsonl"));
}

TEST_CASE("router config: mistakes are named", "[router][config]") {
  using sbx::RouterOptions;
  CHECK_THROWS_WITH(RouterOptions::parse("[]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(RouterOptions::parse("{}"), Catch::Contains("backends"));
  CHECK_THROWS_WITH(RouterOptions::parse(R"({"backends": [], "budget": 1})"), Catch::Contains("unknown key 'budget'"));
  CHECK_THROWS_WITH(RouterOptions::parse(R"({"backends": [{"name": "x"}]})"), Catch::Contains("backends[0]") && Catch::Contains("backend"));
  CHECK_THROWS_WITH(RouterOptions::parse(R"({"backends": [{"backend": "local", "max_running": -1}]})"),
                    Catch::Contains("max_running"));
  CHECK_THROWS_WITH(RouterOptions::parse(R"({"backends": [], "breaker": {"failure_rate": 2}})"),
                    Catch::Contains("failure_rate"));
  CHECK_THROWS_AS(RouterOptions::load("/nonexistent/router.json"), sbx::SandboxConfigurationError);
}

TEST_CASE("router config: files resolve relative to the config's directory", "[router][config]") {
  temp_dir dir;
  std::ofstream(dir.path / "prices.json") << R"({"last_updated": "2026-11-01", "backends": {"local": {"vcpu_per_hour_usd": 0.5}}})";
  std::ofstream(dir.path / "router.json") << R"({"pricing_file": "prices.json", "backends": [{"backend": "local"}]})";
  const auto options = sbx::RouterOptions::load(dir.path / "router.json");
  CHECK(options.pricing.last_updated == "2026-11-01");
  CHECK(options.pricing.find("local")->vcpu_per_hour_usd == 0.5);
}

TEST_CASE("router config: a .toml file has the same keys as the JSON form", "[router][config]") {
  temp_dir dir;
  std::ofstream(dir.path / "router.toml") << R"(budget_usd = 25
expected_execs = 10
journal = "costs.jsonl"

[breaker]
consecutive_failures = 3
cooldown_ms = 1500

[[backends]]
name = "cheap"
backend = "local"
max_running = 4
languages = ["python", "node"]
price = { vcpu_per_hour_usd = 0.02 }
labels = { tier = "free" }

[[backends]]
backend = "bwrap"
max_cpu = 2.5
)";
  const auto options = sbx::RouterOptions::load(dir.path / "router.toml");
  REQUIRE(options.backends.size() == 2);
  CHECK(options.backends[0].name == "cheap");
  CHECK(options.backends[0].max_running == 4);
  CHECK(options.backends[0].languages == std::vector<std::string>{"python", "node"});
  CHECK(options.backends[0].price->vcpu_per_hour_usd == 0.02);
  CHECK(options.backends[0].labels.at("tier") == "free");
  CHECK(options.backends[1].backend == "bwrap");
  CHECK(options.backends[1].max_cpu == 2.5);
  CHECK(options.budget_usd == 25);
  CHECK(options.expected_execs == 10);
  CHECK(options.breaker.consecutive_failures == 3);
  CHECK(options.breaker.cooldown == std::chrono::milliseconds(1500));
  CHECK(options.journal == dir.path / "costs.jsonl");

  std::ofstream(dir.path / "bad.toml") << "backends = [\n";
  CHECK_THROWS_WITH(sbx::RouterOptions::load(dir.path / "bad.toml"), Catch::Contains("not valid TOML"));
  std::ofstream(dir.path / "unknown.toml") << "budget = 1\n[[backends]]\nbackend = \"local\"\n";
  CHECK_THROWS_WITH(sbx::RouterOptions::load(dir.path / "unknown.toml"), Catch::Contains("unknown key 'budget'"));
}

TEST_CASE("router: candidate lists are checked when the router is built", "[router][config]") {
  boost::asio::io_context context;
  const auto ex = context.get_executor();
  CHECK_THROWS_WITH(sbx::Router(ex, {}), Catch::Contains("no candidate"));
  CHECK_THROWS_WITH(sbx::Router(ex, {.backends = {{.backend = "no-such-backend"}}}), Catch::Contains("Unknown backend"));
  CHECK_THROWS_WITH(sbx::Router(ex, {.backends = {{.backend = "local"}, {.backend = "local"}}}),
                    Catch::Contains("two candidates are called 'local'"));
  const auto unpriced = sbx_test::register_scripted("rt-unpriced");
  CHECK_THROWS_WITH(sbx::Router(ex, {.backends = {{.backend = unpriced->name}}}), Catch::Contains("no price"));
}

TEST_CASE("rank_candidates explains the ranking from capabilities and prices", "[router][ranking]") {
  sbx::Capabilities networked{.network_control = true, .cpu_limit = true, .memory_limit = true};
  const auto fenced = sbx_test::register_scripted("rt-rank-fenced", networked);
  const auto open = sbx_test::register_scripted("rt-rank-open", sbx::Capabilities{});
  const sbx::RouterOptions options{
      .backends = {{.name = "open", .backend = open->name, .price = sbx::BackendPrice{.vcpu_per_hour_usd = 0.01}},
                   {.name = "fenced", .backend = fenced->name, .price = sbx::BackendPrice{.vcpu_per_hour_usd = 0.05}},
                   {.name = "fenced-dear", .backend = fenced->name, .price = sbx::BackendPrice{.vcpu_per_hour_usd = 0.09}}}};

  auto ranked = sbx::rank_candidates(options, {.cpu = 2, .memory_mb = 4096});
  REQUIRE(ranked.size() == 3);
  CHECK(ranked[0].name == "open");
  CHECK(ranked[0].hourly_usd == Approx(0.02));
  CHECK(ranked[0].reasons == std::vector<std::string>{"cpu is not enforced", "memory is not enforced"});

  ranked = sbx::rank_candidates(options, {.cpu = 2, .allow_internet = false});
  CHECK(ranked[0].name == "fenced");
  CHECK(ranked[1].name == "fenced-dear");
  CHECK(ranked[2].name == "open");
  CHECK_FALSE(ranked[2].feasible);
  CHECK(ranked[2].reasons.front().find("network control") != std::string::npos);
}
