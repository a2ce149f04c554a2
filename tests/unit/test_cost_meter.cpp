// scheduler/: CostMeter against hand-computed costs, and its journal.
#include "sbx/cost.hpp"

#include "owner_labels.hpp"
#include "sbx/errors.hpp"
#include "test_router_driver.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// $0.36/vCPU-h, $0.072/GiB-h, per-minute billing with a 2-minute minimum, $0.001/exec.
const sbx::BackendPrice price{.vcpu_per_hour_usd = 0.36,
                              .ram_gib_per_hour_usd = 0.072,
                              .per_execution_usd = 0.001,
                              .billing_granularity = 60s,
                              .billing_minimum = 120s};

sbx::SandboxCost sandbox(std::string id, double cpu, int memory_mb, sbx::env_map labels = {}) {
  return {.candidate = "cand", .backend = "scripted", .sandbox_id = std::move(id),
          .resources = {.cpu = cpu, .memory_mb = memory_mb}, .labels = std::move(labels)};
}

struct temp_file {
  fs::path path = fs::temp_directory_path() / ("sbx-cost-" + sbx::detail::random_hex(8) + ".jsonl");
  ~temp_file() { fs::remove(path); }
};

}  // namespace

TEST_CASE("meters match hand-computed costs for known durations", "[cost]") {
  sbx_test::manual_clock clock;
  sbx::CostMeter meter(clock.function());

  // a: 2 vCPU + 4 GiB = $1.008/h, lives 150 s → 180 s billed = $0.0504, plus 3 execs.
  const auto a = meter.open(sandbox("a", 2, 4096, {{"team", "red"}}), price);
  clock.advance(30s);
  // b: 1 vCPU + 1 GiB = $0.432/h, lives 30 s → minimum 120 s = $0.0144.
  const auto b = meter.open(sandbox("b", 1, 1024, {{"team", "blue"}, {"sbx.pid", "1"}}), price);
  for (int i = 0; i < 3; ++i) meter.record_exec(a);
  clock.advance(30s);
  meter.close(b);
  clock.advance(90s);
  meter.close(a);
  meter.close(a);  // idempotent
  meter.record_exec(a);  // after close: not counted

  const auto report = meter.report();
  REQUIRE(report.sandboxes.size() == 2);
  CHECK(report.sandboxes[0].billed == 180s);
  CHECK(report.sandboxes[0].execs == 3);
  CHECK(report.sandboxes[0].usd == Approx(0.0504 + 0.003).epsilon(1e-12));
  CHECK(report.sandboxes[1].billed == 120s);
  CHECK(report.sandboxes[1].usd == Approx(0.0144).epsilon(1e-12));
  CHECK(report.total.usd == Approx(0.0678).epsilon(1e-12));
  CHECK(report.total.sandboxes == 2);
  CHECK(report.total.running == 0);
  CHECK(meter.spent_usd() == Approx(report.total.usd).epsilon(1e-12));

  CHECK(report.by_backend.at("cand").usd == Approx(0.0678).epsilon(1e-12));
  CHECK(report.by_label.at("team=red").usd == Approx(0.0534).epsilon(1e-12));
  CHECK(report.by_label.at("team=blue").usd == Approx(0.0144).epsilon(1e-12));
  CHECK_FALSE(report.by_label.contains("sbx.pid=1"));  // owner labels are not reported
}

TEST_CASE("an open meter is valued now and keeps accruing", "[cost]") {
  sbx_test::manual_clock clock;
  sbx::CostMeter meter(clock.function());
  meter.open(sandbox("a", 1, 1024), price);
  clock.advance(10min);
  CHECK(meter.spent_usd() == Approx(0.072).epsilon(1e-12));
  clock.advance(10min);
  const auto report = meter.report();
  CHECK(report.total.running == 1);
  CHECK_FALSE(report.sandboxes[0].ended);
  CHECK(report.total.usd == Approx(0.144).epsilon(1e-12));
}

TEST_CASE("accrual stops at the lifetime a provider enforces itself", "[cost]") {
  sbx_test::manual_clock clock;
  sbx::CostMeter meter(clock.function());
  meter.open(sandbox("a", 1, 1024), price, 300s);
  clock.advance(1h);
  CHECK(meter.report().sandboxes[0].billed == 300s);
}

TEST_CASE("close_swept closes the meters of swept sandboxes of that candidate only", "[cost]") {
  sbx_test::manual_clock clock;
  sbx::CostMeter meter(clock.function());
  meter.open(sandbox("a", 1, 1024), price);
  meter.open(sandbox("b", 1, 1024), price);
  auto other = sandbox("a", 1, 1024);
  other.candidate = "other";
  meter.open(other, price);
  clock.advance(5min);
  CHECK(meter.close_swept("cand", {"a", "zzz"}) == 1);
  CHECK(meter.report().total.running == 2);
}

TEST_CASE("the journal replays to the same report", "[cost]") {
  temp_file journal;
  sbx_test::manual_clock clock;
  {
    sbx::CostMeter meter(clock.function());
    meter.set_journal(journal.path);
    const auto a = meter.open(sandbox("a", 2, 4096, {{"team", "red"}}), price, 3600s);
    clock.advance(45s);
    meter.open(sandbox("b", 0.5, 512), price);
    meter.record_exec(a);
    clock.advance(100s);
    meter.close(a);
    clock.advance(1s);

    const auto live = meter.report();
    const auto replayed = sbx::read_cost_journal(journal.path, *clock.now);
    REQUIRE(replayed.sandboxes.size() == 2);
    CHECK(replayed.total.usd == live.total.usd);
    CHECK(replayed.total.running == 1);
    CHECK(replayed.sandboxes[0].execs == 1);
    CHECK(replayed.sandboxes[0].billed == live.sandboxes[0].billed);
    CHECK(replayed.by_label.at("team=red").usd == live.by_label.at("team=red").usd);
  }
  {
    // A second run appends to the same file; its ids do not collide.
    sbx::CostMeter meter(clock.function());
    meter.set_journal(journal.path);
    meter.close(meter.open(sandbox("c", 1, 1024), price));
  }
  CHECK(sbx::read_cost_journal(journal.path, *clock.now).total.sandboxes == 3);
}

TEST_CASE("a malformed journal line is reported with its number", "[cost]") {
  temp_file journal;
  std::ofstream(journal.path) << "\n{\"event\":\"close\",\"meter\":\"m\",\"id\":1,\"t_ns\":5}\n";
  try {
    sbx::read_cost_journal(journal.path);
    FAIL("no error");
  } catch (const sbx::SandboxConfigurationError& e) {
    CHECK(e.context().at("line") == "2");
    CHECK_THAT(e.message(), Catch::Contains("never opened"));
  }
  CHECK_THROWS_AS(sbx::read_cost_journal("/nonexistent/journal.jsonl"), sbx::SandboxConfigurationError);
}

TEST_CASE("the report renders as JSON and text", "[cost]") {
  sbx_test::manual_clock clock;
  sbx::CostMeter meter(clock.function());
  meter.close(meter.open(sandbox("a", 1, 1024, {{"team", "red"}}), price));
  const auto report = meter.report();
  const auto json = report.to_json();
  CHECK(json.at("total").at("sandboxes").as_uint64() == 1);
  CHECK(json.at("sandboxes").as_array().size() == 1);
  const auto text = report.to_text();
  CHECK_THAT(text, Catch::Contains("cand") && Catch::Contains("team=red") && Catch::Contains("$0.014400"));
}
