// scheduler/: billing math and the pricing table.
#include "sbx/pricing.hpp"

#include "sbx/errors.hpp"

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <chrono>

namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

sbx::BackendPrice per_minute_price() {
  return {.vcpu_per_hour_usd = 0.36, .ram_gib_per_hour_usd = 0.072, .storage_gib_per_month_usd = 7.3,
          .per_execution_usd = 0.001, .billing_granularity = 60s, .billing_minimum = 120s};
}

}  // namespace

TEST_CASE("billed_duration rounds up to whole granularity units, at least one, and applies the minimum",
          "[pricing]") {
  sbx::BackendPrice price{.billing_granularity = 60s};
  CHECK(sbx::billed_duration(price, nanoseconds(0)) == 60s);
  CHECK(sbx::billed_duration(price, 60s) == 60s);
  CHECK(sbx::billed_duration(price, 60s + nanoseconds(1)) == 120s);
  CHECK(sbx::billed_duration(price, 119s) == 120s);
  price.billing_minimum = 300s;
  CHECK(sbx::billed_duration(price, 61s) == 300s);
  CHECK(sbx::billed_duration(price, 301s) == 360s);
  price.billing_granularity = 0s;
  price.billing_minimum = 0s;
  CHECK(sbx::billed_duration(price, 1234ms) == 1234ms);
  CHECK(sbx::billed_duration(price, -5s) == 0s);
}

TEST_CASE("hourly cost sums vCPU, RAM and storage for the real resources", "[pricing]") {
  const auto price = per_minute_price();
  const sbx::BilledResources resources{.cpu = 2, .memory_mb = 4096, .disk_mb = 10240};
  // 2 × 0.36 + 4 GiB × 0.072 + 10 GiB × 7.3 / 730 = 0.72 + 0.288 + 0.1
  CHECK(sbx::hourly_cost_usd(price, resources) == Approx(1.108).epsilon(1e-12));
  CHECK(sbx::hourly_cost_usd(price, {.cpu = 1, .memory_mb = 1024}) == Approx(0.432).epsilon(1e-12));
}

TEST_CASE("billed cost is hourly × billed hours plus per-exec charges", "[pricing]") {
  const auto price = per_minute_price();
  const sbx::BilledResources resources{.cpu = 1, .memory_mb = 1024};
  // 150 s → 180 s billed (3 min) at $0.432/h = $0.0216, plus 4 execs × $0.001.
  CHECK(sbx::billed_cost_usd(price, resources, 150s, 4) == Approx(0.0256).epsilon(1e-12));
  // Below the minimum: 2 min billed.
  CHECK(sbx::billed_cost_usd(price, resources, 10s) == Approx(0.0144).epsilon(1e-12));
  CHECK(sbx::minimum_charge_usd(price, resources) == Approx(0.0144).epsilon(1e-12));
}

TEST_CASE("the built-in table carries the original's figures and date", "[pricing]") {
  const auto table = sbx::PricingTable::builtin();
  CHECK(table.last_updated == "2026-03-28");
  REQUIRE(table.find("e2b"));
  CHECK(table.find("e2b")->vcpu_per_hour_usd == 0.083);
  CHECK(table.find("e2b")->ram_gib_per_hour_usd == 0.0);
  REQUIRE(table.find("daytona"));
  CHECK(table.find("daytona")->vcpu_per_hour_usd == 0.036);
  CHECK(table.find("daytona")->ram_gib_per_hour_usd == 0.018);
  CHECK(table.find("daytona")->storage_gib_per_month_usd == 0.0003);
  REQUIRE(table.find("modal"));
  CHECK(table.find("modal")->vcpu_per_hour_usd == 0.047);
  CHECK(table.find("modal")->ram_gib_per_hour_usd == 0.0098);
  CHECK(table.find("modal")->billing_granularity == 1s);
  REQUIRE(table.find("tensorlake"));
  CHECK(table.find("tensorlake")->vcpu_per_hour_usd == 0.05);
  for (const char* free : {"local", "bwrap", "docker", "safehouse", "ray"}) {
    REQUIRE(table.find(free));
    CHECK(sbx::hourly_cost_usd(*table.find(free), {.cpu = 8, .memory_mb = 65536}) == 0.0);
  }
  CHECK_FALSE(table.find("nope"));
}

TEST_CASE("a table older than the limit yields a warning relative to today", "[pricing]") {
  using namespace std::chrono;
  const auto table = sbx::PricingTable::builtin();
  const sys_days march_31{year(2026) / 3 / 31};
  const sys_days november_27{year(2026) / 11 / 27};
  CHECK(table.age_days(march_31) == 3);
  CHECK(table.age_days(november_27) == 244);
  CHECK_FALSE(sbx::pricing_staleness_warning(table, march_31));
  CHECK_FALSE(sbx::pricing_staleness_warning(table, sys_days{year(2026) / 6 / 26}));  // 90 days
  const auto warning = sbx::pricing_staleness_warning(table, november_27);
  REQUIRE(warning);
  CHECK_THAT(*warning, Catch::Contains("2026-03-28") && Catch::Contains("244 days"));
  CHECK_FALSE(sbx::pricing_staleness_warning(table, november_27, 365));
}

TEST_CASE("pricing JSON round-trips and names bad keys", "[pricing]") {
  const auto table = sbx::PricingTable::builtin();
  const auto copy = sbx::PricingTable::parse(boost::json::serialize(table.to_json()));
  CHECK(copy.last_updated == table.last_updated);
  REQUIRE(copy.backends.size() == table.backends.size());
  CHECK(copy.find("modal")->ram_gib_per_hour_usd == table.find("modal")->ram_gib_per_hour_usd);
  CHECK(copy.find("e2b")->free_tier == table.find("e2b")->free_tier);

  CHECK_THROWS_WITH(sbx::PricingTable::parse(R"({"backends": {}})"), Catch::Contains("last_updated"));
  CHECK_THROWS_WITH(sbx::PricingTable::parse(R"({"last_updated": "March", "backends": {}})"),
                    Catch::Contains("YYYY-MM-DD"));
  CHECK_THROWS_AS(sbx::PricingTable::parse(
                      R"({"last_updated": "2026-01-01", "backends": {"x": {"vcpu_per_hour_usd": -1}}})"),
                  sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(sbx::PricingTable::load("/nonexistent/pricing.json"), sbx::SandboxConfigurationError);
}

TEST_CASE("a partial price entry keeps the base's other fields", "[pricing]") {
  const auto base = per_minute_price();
  const auto merged = sbx::BackendPrice::from_json({{"vcpu_per_hour_usd", 1.5}, {"billing_minimum_secs", 0}}, base);
  CHECK(merged.vcpu_per_hour_usd == 1.5);
  CHECK(merged.billing_minimum == 0s);
  CHECK(merged.ram_gib_per_hour_usd == base.ram_gib_per_hour_usd);
  CHECK(merged.billing_granularity == 60s);
}
