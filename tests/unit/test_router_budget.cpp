// sbx::Router cost metering and the budget cap, against hand-computed costs.
#include "sbx/router.hpp"

#include "sbx/errors.hpp"
#include "test_router_fixture.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace std::chrono_literals;
using sbx_test::router_fixture;

// $0.60/vCPU-h billed per minute: one minute of 1 vCPU costs $0.01.
sbx::BackendPrice per_minute(double vcpu_per_hour) {
  return {.vcpu_per_hour_usd = vcpu_per_hour, .billing_granularity = 60s, .billing_minimum = 60s};
}

}  // namespace

TEST_CASE("router: creates stop exactly when the metered spend would exceed the budget", "[router][budget]") {
  router_fixture f("budget");
  f.options.backends[0].price = per_minute(0.60);
  f.options.backends[1].price = per_minute(1.20);
  f.options.budget_usd = 0.05;
  f.start();

  // Each sandbox lives two minutes on A: $0.02. Before a create, spend + its minimum
  // charge ($0.01 on A) must stay within $0.05: allowed at $0.00, $0.02 and $0.04.
  for (int i = 0; i < 2; ++i) {
    auto sandbox = f.create();
    CHECK(sandbox.backend_name() == f.a->name);
    f.clock.advance(2min);
    f.run(sandbox.destroy());
  }
  CHECK(f.router->costs().total.usd == Approx(0.04).epsilon(1e-12));
  auto last = f.create();  // $0.04 + $0.01 = $0.05: exactly the cap, still allowed
  CHECK(last.backend_name() == f.a->name);
  f.clock.advance(30s);     // open meters count: now $0.05 spent
  try {
    f.create();
    FAIL("the create was not refused");
  } catch (const sbx::BudgetExceededError& e) {
    CHECK(e.code() == sbx::errc::budget_exceeded);
    CHECK(e.context().at("budget_usd") == "0.050000");
    CHECK(e.context().at("minimum_charge_usd") == "0.010000");
  }
  CHECK(f.a->create_attempts == 3);
  CHECK(f.b->create_attempts == 0);
  f.run(last.destroy());
  CHECK(f.router->costs().total.usd == Approx(0.05).epsilon(1e-12));
  CHECK_THROWS_AS(f.create(), sbx::BudgetExceededError);
}

TEST_CASE("router: the budget refuses when no candidate's minimum charge fits what is left",
          "[router][budget]") {
  router_fixture f("budget-spill");
  f.options.backends[0].price = per_minute(0.60);  // minimum charge $0.01
  f.options.backends[1].price = per_minute(0.30);  // cheaper per minute but only via B's
  f.options.backends[1].price->billing_minimum = 600s;  // 10-minute minimum: $0.05
  f.options.budget_usd = 0.03;
  f.start();
  auto sandbox = f.create({.timeout_secs = 60});  // A: $0.01 expected vs B: $0.05
  CHECK(sandbox.backend_name() == f.a->name);
  f.clock.advance(150s);  // $0.03 on A
  CHECK_THROWS_AS(f.create({.timeout_secs = 60}), sbx::BudgetExceededError);
  f.settle();
}

TEST_CASE("router: the cost report matches hand-computed costs for known durations", "[router][cost]") {
  router_fixture f("meter");
  f.options.backends[0].price = sbx::BackendPrice{.vcpu_per_hour_usd = 0.36, .ram_gib_per_hour_usd = 0.072,
                                                  .per_execution_usd = 0.001};
  f.options.backends[1].price = sbx::BackendPrice{.vcpu_per_hour_usd = 10};
  f.start();

  // 2 vCPU + 2 GiB on A: $0.864/h for 95 s = $0.0228, plus two execs.
  auto first = f.create({.cpu = 2, .memory_mb = 2048, .labels = {{"team", "red"}}});
  f.run(first.exec("true"));
  f.run(first.exec("true"));
  f.clock.advance(95s);
  f.run(first.destroy());
  // 1 vCPU + 512 MiB on A: $0.396/h for 10 minutes = $0.066, still open.
  auto second = f.create({.cpu = 1, .memory_mb = 512, .labels = {{"team", "blue"}}});
  f.clock.advance(10min);

  const auto report = f.router->costs();
  REQUIRE(report.sandboxes.size() == 2);
  CHECK(report.sandboxes[0].candidate == "A");
  CHECK(report.sandboxes[0].backend == f.a->name);
  CHECK(report.sandboxes[0].execs == 2);
  CHECK(report.sandboxes[0].resources.cpu == 2);
  CHECK(report.sandboxes[0].resources.memory_mb == 2048);
  CHECK(report.sandboxes[0].usd == Approx(0.0228 + 0.002).epsilon(1e-12));
  CHECK(report.sandboxes[1].usd == Approx(0.066).epsilon(1e-12));
  CHECK(report.sandboxes[1].ended == std::nullopt);
  CHECK(report.total.usd == Approx(0.0908).epsilon(1e-12));
  CHECK(report.by_backend.at("A").sandboxes == 2);
  CHECK(report.by_label.at("team=red").usd == Approx(0.0248).epsilon(1e-12));
  CHECK(report.by_label.at("team=blue").usd == Approx(0.066).epsilon(1e-12));
  CHECK(report.by_label.size() == 2);  // owner labels (sbx.*) are left out
  f.run(second.destroy());
}

TEST_CASE("router: a sandbox dropped without destroy is destroyed in the background and its meter closes",
          "[router][cost]") {
  router_fixture f("dropped");
  f.start();
  f.create();  // dropped at once
  f.clock.advance(1h);
  f.settle();
  const auto report = f.router->costs();
  REQUIRE(report.sandboxes.size() == 1);
  CHECK(report.sandboxes[0].ended);
  CHECK(report.total.running == 0);
  CHECK(f.a->destroyed == 1);
  CHECK(f.health_of("A").running == 0);
}
