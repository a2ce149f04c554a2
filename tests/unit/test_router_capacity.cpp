// sbx::Router admission: spill to the next candidate, FIFO queueing, cancellation.
#include "sbx/router.hpp"

#include "test_router_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <catch2/catch.hpp>

#include <deque>

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using sbx_test::router_fixture;

// A create started in the background; its sandbox (or error) lands here.
struct pending_create {
  std::optional<sbx::Sandbox> sandbox;
  std::exception_ptr error;
  bool done = false;
};

std::shared_ptr<pending_create> spawn_create(router_fixture& f, asio::cancellation_slot slot = {},
                                             sbx::CreateOptions options = {}) {
  auto pending = std::make_shared<pending_create>();
  asio::co_spawn(
      f.context,
      [&f, pending, options = std::move(options)]() mutable -> asio::awaitable<void> {
        pending->sandbox.emplace(co_await f.router->create(std::move(options)));
      },
      asio::bind_cancellation_slot(slot, [pending](std::exception_ptr e) {
        pending->error = e;
        pending->done = true;
      }));
  return pending;
}

}  // namespace

TEST_CASE("router: a candidate at max_running spills to the next; nothing exceeds its limit", "[router][capacity]") {
  router_fixture f("spill");
  f.options.backends[0].max_running = 2;
  f.start();
  std::vector<sbx::Sandbox> held;
  for (int i = 0; i < 5; ++i) held.push_back(f.create());
  CHECK(held[0].backend_name() == f.a->name);
  CHECK(held[1].backend_name() == f.a->name);
  for (int i = 2; i < 5; ++i) CHECK(held[i].backend_name() == f.b->name);
  CHECK(f.a->max_live == 2);
  CHECK(f.health_of("A").running == 2);

  // A slot on A frees up: the next create takes it.
  f.run(held[0].destroy());
  CHECK(f.create().backend_name() == f.a->name);
  f.settle();
}

TEST_CASE("router: a sandbox still in its create's setup steps counts once against max_running",
          "[router][capacity]") {
  router_fixture f("setup");
  f.options.backends[0].max_running = 2;
  f.a->write_latency = 2ms;  // the create's `files` step keeps it in flight after the provider made it
  f.start();
  sbx::CreateOptions with_files;
  with_files.files.emplace_back("/data/input.txt", "x");
  auto first = spawn_create(f, {}, with_files);
  auto second = spawn_create(f, {}, with_files);
  f.context.restart();
  while (!first->done || !second->done) f.context.run_one();
  REQUIRE_FALSE(first->error);
  REQUIRE_FALSE(second->error);
  CHECK(first->sandbox->backend_name() == f.a->name);
  CHECK(second->sandbox->backend_name() == f.a->name);
  CHECK(f.health_of("A").running == 2);
  f.settle();
}

TEST_CASE("router: concurrent creates respect max_running and max_creates_in_flight", "[router][capacity]") {
  router_fixture f("concurrent");
  f.options.backends[0].max_running = 3;
  f.options.backends[0].max_creates_in_flight = 2;
  f.a->create_latency = 2ms;
  f.b->create_latency = 1ms;
  f.start();
  std::vector<std::shared_ptr<pending_create>> creates;
  for (int i = 0; i < 12; ++i) creates.push_back(spawn_create(f));
  f.context.restart();
  while (!std::all_of(creates.begin(), creates.end(), [](auto& c) { return c->done; })) f.context.run_one();
  std::size_t on_a = 0;
  for (auto& c : creates) {
    REQUIRE_FALSE(c->error);
    on_a += c->sandbox->backend_name() == f.a->name ? 1 : 0;
  }
  CHECK(on_a == 2);  // only two could be in flight on A when the burst arrived
  CHECK(f.a->max_live <= 3);
  CHECK(f.b->created == 10);
}

TEST_CASE("router: when every candidate is full, creates wait in FIFO order for a slot", "[router][capacity]") {
  router_fixture f("queue");
  f.options.backends[0].max_running = 1;
  f.options.backends[1].max_running = 1;
  f.start();
  auto on_a = f.create();
  auto on_b = f.create();

  auto first = spawn_create(f);
  auto second = spawn_create(f);
  f.settle();
  CHECK_FALSE(first->done);
  CHECK_FALSE(second->done);
  CHECK(f.router->stats().queued == 2);

  f.run(on_b.destroy());
  f.settle();
  REQUIRE(first->done);
  CHECK(first->sandbox->backend_name() == f.b->name);
  CHECK_FALSE(second->done);

  f.run(on_a.destroy());
  f.settle();
  REQUIRE(second->done);
  CHECK(second->sandbox->backend_name() == f.a->name);
  CHECK(f.a->max_live == 1);
  CHECK(f.b->max_live == 1);
}

TEST_CASE("router: a queued create can be cancelled and leaves the queue", "[router][capacity]") {
  router_fixture f("cancel");
  f.options.backends[0].max_running = 1;
  f.options.backends[1].max_running = 1;
  f.start();
  auto on_a = f.create();
  auto on_b = f.create();

  asio::cancellation_signal cancel;
  auto cancelled = spawn_create(f, cancel.slot());
  auto waiting = spawn_create(f);
  f.settle();
  cancel.emit(asio::cancellation_type::terminal);
  f.settle();
  REQUIRE(cancelled->done);
  CHECK(cancelled->error);
  CHECK_FALSE(cancelled->sandbox);

  // The freed slot goes to the request still waiting, not to the cancelled one.
  f.run(on_a.destroy());
  f.settle();
  REQUIRE(waiting->done);
  CHECK(waiting->sandbox->backend_name() == f.a->name);
}

TEST_CASE("router: a queued create goes to a candidate whose breaker half-opens", "[router][capacity]") {
  router_fixture f("halfopen");
  f.options.backends[1].max_running = 1;
  f.options.breaker.cooldown = 20ms;  // the queue's timer uses real time for the cool-down
  f.a->fail_creates = true;
  f.start();
  for (int i = 0; i < 3; ++i) f.run(f.create().destroy());
  REQUIRE(f.health_of("A").breaker == sbx::breaker_state::open);
  auto on_b = f.create();

  f.a->fail_creates = false;
  auto waiting = spawn_create(f);
  f.settle();
  CHECK_FALSE(waiting->done);
  f.clock.advance(20ms);
  f.context.restart();
  while (!waiting->done) f.context.run_one();
  CHECK(waiting->sandbox->backend_name() == f.a->name);
  CHECK(f.health_of("A").breaker == sbx::breaker_state::closed);
}

TEST_CASE("router: creates still queued when the io_context goes away leave the queue cleanly", "[router][capacity]") {
  std::shared_ptr<pending_create> waiting;
  {
    router_fixture f("teardown");
    f.options.backends[0].max_running = 1;
    f.options.backends[1].max_running = 1;
    f.start();
    auto on_a = f.create();
    auto on_b = f.create();
    waiting = spawn_create(f);
    auto second = spawn_create(f);
    f.settle();
    REQUIRE(f.router->stats().queued == 2);
    // Leaving the scope drops the held sandboxes (releasing slots), the router and then
    // the io_context with both waiting coroutines.
  }
  CHECK_FALSE(waiting->sandbox);
}
