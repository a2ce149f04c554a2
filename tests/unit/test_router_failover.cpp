// sbx::Router health: circuit breakers, failover before create, error classes.
#include "sbx/router.hpp"

#include "sbx/errors.hpp"
#include "test_router_fixture.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace std::chrono_literals;
using sbx::breaker_state;
using sbx_test::router_fixture;

}  // namespace

TEST_CASE("router: a failing cheapest candidate opens its breaker, creates land on B, and return after recovery",
          "[router][failover]") {
  router_fixture f("failover");
  f.a->fail_creates = true;
  f.start();

  // Every create lands on B: the first three by failover, then A is skipped.
  for (int i = 0; i < 10; ++i) {
    auto sandbox = f.create();
    CHECK(sandbox.backend_name() == f.b->name);
    f.run(sandbox.destroy());
  }
  CHECK(f.a->create_attempts == 3);
  CHECK(f.health_of("A").breaker == breaker_state::open);
  CHECK(f.health_of("A").creates_failed == 3);
  CHECK_THAT(*f.health_of("A").last_error, Catch::Contains("transient") && Catch::Contains("scripted create failure"));
  CHECK(f.router->stats().failovers == 3);

  // After the cool-down one probe goes to A; it still fails, so the breaker reopens.
  f.clock.advance(30s);
  CHECK(f.health_of("A").breaker == breaker_state::half_open);
  CHECK(f.create().backend_name() == f.b->name);
  CHECK(f.a->create_attempts == 4);
  CHECK(f.health_of("A").breaker == breaker_state::open);
  CHECK(f.create().backend_name() == f.b->name);
  CHECK(f.a->create_attempts == 4);

  // A recovers: the next probe succeeds, closes the breaker, and traffic returns to A.
  f.a->fail_creates = false;
  f.clock.advance(30s);
  for (int i = 0; i < 5; ++i) CHECK(f.create().backend_name() == f.a->name);
  CHECK(f.health_of("A").breaker == breaker_state::closed);
  CHECK(f.a->created == 5);
  f.settle();
}

TEST_CASE("router: the breaker opens on the error rate of its window", "[router][failover]") {
  router_fixture f("rate");
  f.options.breaker = {.consecutive_failures = 0, .failure_rate = 0.5, .window = 10, .min_samples = 10};
  f.a->failure_rate = 0.5;  // every second create fails
  f.start();
  for (int i = 0; i < 20; ++i) f.create();
  CHECK(f.a->create_attempts == 10);
  CHECK(f.health_of("A").breaker == breaker_state::open);
  CHECK(f.b->created == 15);
  f.settle();
}

TEST_CASE("router: authentication errors surface at once, without failover or a breaker count",
          "[router][failover]") {
  router_fixture f("auth");
  f.a->fail = [] {
    throw sbx::SandboxCreationError("invalid credentials", {.backend = "x", .op = "create", .context = {{"status", "401"}}});
  };
  f.a->fail_creates = true;
  f.start();
  for (int i = 0; i < 5; ++i) CHECK_THROWS_WITH(f.create(), Catch::Contains("invalid credentials"));
  CHECK(f.b->create_attempts == 0);
  CHECK(f.health_of("A").breaker == breaker_state::closed);
  CHECK(f.health_of("A").consecutive_failures == 0);
  CHECK(f.router->stats().failovers == 0);
}

TEST_CASE("router: configuration errors surface at once", "[router][failover]") {
  router_fixture f("config");
  f.start();
  CHECK_THROWS_AS(f.create({.cpu = -1}), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(f.create({.preset = "no-such-preset"}), sbx::SandboxConfigurationError);
  CHECK(f.a->create_attempts + f.b->create_attempts == 0);
}

TEST_CASE("router: a candidate that cannot do what was asked fails over without losing health",
          "[router][failover]") {
  router_fixture f("unsupported");
  f.a->fail = [] { throw sbx::FeatureNotSupportedError("cannot do that here"); };
  f.a->fail_creates = true;
  f.start();
  for (int i = 0; i < 5; ++i) CHECK(f.create().backend_name() == f.b->name);
  CHECK(f.a->create_attempts == 5);
  CHECK(f.health_of("A").breaker == breaker_state::closed);
  f.settle();
}

TEST_CASE("router: when every candidate fails, the last provider error surfaces", "[router][failover]") {
  router_fixture f("allfail");
  f.a->fail_creates = true;
  f.b->fail_creates = true;
  f.b->fail = [] { throw sbx::SandboxConnectionError("b is down"); };
  f.start();
  for (int i = 0; i < 3; ++i) CHECK_THROWS_AS(f.create(), sbx::SandboxConnectionError);
  // Both breakers are open now: the router refuses without calling either.
  CHECK_THROWS_WITH(f.create(), Catch::Contains("circuit open"));
  CHECK(f.a->create_attempts == 3);
  CHECK(f.b->create_attempts == 3);
}

TEST_CASE("router: latency EWMA breaks ties between equally priced candidates", "[router][ranking]") {
  router_fixture f("latency");
  f.options.backends[1].price = f.options.backends[0].price;
  f.a->on_create = [clock = f.clock] { clock.advance(900ms); };
  f.b->on_create = [clock = f.clock] { clock.advance(100ms); };
  f.start();
  // Both unmeasured: A by order; then B is unmeasured and goes first; then B is faster.
  CHECK(f.create().backend_name() == f.a->name);
  CHECK(f.create().backend_name() == f.b->name);
  for (int i = 0; i < 3; ++i) CHECK(f.create().backend_name() == f.b->name);
  CHECK(f.health_of("A").latency == std::chrono::nanoseconds(900ms));
  CHECK(f.health_of("B").latency == std::chrono::nanoseconds(100ms));
  f.settle();
}
