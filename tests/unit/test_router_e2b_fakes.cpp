// sbx::Router over two loopback E2B fakes (candidates A and B of backend "e2b"), with
// faults injected through the fakes' control API (POST /_fake/faults).
#include "sbx/router.hpp"

#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
#include "test_router_fixture.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace std::chrono_literals;
using sbx::breaker_state;
using sbx_test::router_fixture;

const std::string api_key = "e2b_router_test_key_1618";

// A fake in --echo mode: commands are not run, so bubblewrap is not needed.
sbx_fake::fake_launcher start_fake() {
  return sbx_fake::fake_launcher(sbx_fake::fake_program("e2b"), {"--api-key", api_key, "--echo"});
}

sbx::RouterBackend e2b_candidate(std::string name, const sbx_fake::fake_launcher& fake, double vcpu_usd) {
  sbx::RouterBackend candidate{.name = std::move(name), .backend = "e2b",
                               .price = sbx::BackendPrice{.vcpu_per_hour_usd = vcpu_usd}};
  // No retries inside the driver: each refused create reaches the router at once.
  candidate.client.driver_options = {{"api_url", fake.url()}, {"envd_url", fake.url()}, {"api_key", api_key},
                                     {"create_rate", 0}, {"retry_attempts", 1}};
  return candidate;
}

std::uint64_t stat(const sbx_fake::fake_launcher& fake, const char* key) {
  return fake.stats().at(key).to_number<std::uint64_t>();
}

// Two fakes and a router whose candidate A (cheaper) is the first fake.
struct fake_pair {
  sbx_fake::fake_launcher fake_a = start_fake();
  sbx_fake::fake_launcher fake_b = start_fake();
  router_fixture f{"e2b"};

  fake_pair() {
    f.options.backends = {e2b_candidate("A", fake_a, 0.01), e2b_candidate("B", fake_b, 0.05)};
  }
};

}  // namespace

TEST_CASE("router over e2b fakes: A failing with 5xx opens its breaker, creates land on B, and return after recovery",
          "[router][failover][e2b]") {
  fake_pair p;
  auto& f = p.f;
  f.start();
  p.fake_a.set_faults({{"rate_5xx", 1.0}});

  // Three failures in a row open A's breaker; after that A sees no more requests.
  for (int i = 0; i < 3; ++i) f.run(f.create().destroy());
  CHECK(f.health_of("A").breaker == breaker_state::open);
  const auto requests_to_a = stat(p.fake_a, "requests");
  for (int i = 0; i < 3; ++i) f.run(f.create().destroy());
  CHECK(stat(p.fake_a, "requests") == requests_to_a);
  CHECK(stat(p.fake_a, "created") == 0);
  CHECK(stat(p.fake_b, "created") == 6);
  CHECK(f.health_of("A").creates_failed == 3);
  CHECK_THAT(*f.health_of("A").last_error, Catch::Contains("transient") && Catch::Contains("503"));

  // A recovers: after the cool-down the probe succeeds and A takes the traffic again.
  p.fake_a.set_faults({});
  f.clock.advance(30s);
  for (int i = 0; i < 4; ++i) f.run(f.create().destroy());
  CHECK(stat(p.fake_a, "created") == 4);
  CHECK(stat(p.fake_b, "created") == 6);
  CHECK(f.health_of("A").breaker == breaker_state::closed);
  CHECK(p.fake_a.live_sandboxes() == 0);
  CHECK(p.fake_b.live_sandboxes() == 0);
}

TEST_CASE("router over e2b fakes: 429 from A is rate limiting and fails over to B", "[router][failover][e2b]") {
  fake_pair p;
  auto& f = p.f;
  f.start();
  p.fake_a.set_faults({{"rate_429", 1.0}, {"retry_after", ""}});
  auto sandbox = f.create();
  CHECK(stat(p.fake_b, "created") == 1);
  CHECK_THAT(*f.health_of("A").last_error, Catch::Contains("rate_limited"));
  f.run(sandbox.destroy());
}

TEST_CASE("router over e2b fakes: A at capacity spills to B; A never exceeds its limit", "[router][capacity][e2b]") {
  fake_pair p;
  auto& f = p.f;
  f.options.backends[0].max_running = 2;
  f.start();
  std::vector<sbx::Sandbox> held;
  for (int i = 0; i < 5; ++i) {
    held.push_back(f.create());
    CHECK(p.fake_a.live_sandboxes() <= 2);
  }
  CHECK(p.fake_a.live_sandboxes() == 2);
  CHECK(p.fake_b.live_sandboxes() == 3);
  for (auto& sandbox : held) f.run(sandbox.destroy());
  CHECK(p.fake_a.live_sandboxes() + p.fake_b.live_sandboxes() == 0);
}

TEST_CASE("router over e2b fakes: meters use the sandbox's real resources and the candidate's price",
          "[router][cost][e2b]") {
  fake_pair p;
  auto& f = p.f;
  f.start();
  auto sandbox = f.create({.cpu = 2, .memory_mb = 2048, .labels = {{"job", "eval"}}});
  const auto id = sandbox.id();
  f.run(sandbox.exec("echo hi"));
  f.clock.advance(90s);
  f.run(sandbox.destroy());
  const auto report = f.router->costs();
  REQUIRE(report.sandboxes.size() == 1);
  const auto& meter = report.sandboxes[0];
  CHECK(meter.candidate == "A");
  CHECK(meter.backend == "e2b");
  CHECK(meter.sandbox_id == id);
  CHECK(meter.resources.cpu == 2);
  CHECK(meter.execs == 1);
  CHECK(meter.usd == Approx(2 * 0.01 * 90 / 3600.0).epsilon(1e-12));
  CHECK(report.by_label.at("job=eval").sandboxes == 1);
}
