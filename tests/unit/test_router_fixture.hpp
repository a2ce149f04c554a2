// Two scripted candidates, A (cheaper) and B, behind a Router with a manual clock.
#pragma once

#include "sbx/blocking.hpp"
#include "sbx/router.hpp"
#include "test_router_driver.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <optional>
#include <string>

namespace sbx_test {

/// Backends "<tag>-a" ($0.01/vCPU-h) and "<tag>-b" ($0.05/vCPU-h), registered afresh.
struct router_fixture {
  boost::asio::io_context context;
  manual_clock clock;
  std::shared_ptr<scripted_backend> a;
  std::shared_ptr<scripted_backend> b;
  sbx::RouterOptions options;
  std::optional<sbx::Router> router;

  explicit router_fixture(const std::string& tag)
      : a(register_scripted(unique(tag) + "-a")), b(register_scripted(unique(tag) + "-b")) {
    options.backends = {{.name = "A", .backend = a->name, .price = sbx::BackendPrice{.vcpu_per_hour_usd = 0.01}},
                        {.name = "B", .backend = b->name, .price = sbx::BackendPrice{.vcpu_per_hour_usd = 0.05}}};
    options.clock = clock.function();
    options.breaker = {.consecutive_failures = 3, .failure_rate = 0, .cooldown = std::chrono::seconds(30)};
  }

  /// Builds the router from `options` (call after adjusting them).
  sbx::Router& start() {
    router.emplace(context.get_executor(), options);
    return *router;
  }

  template <class T>
  T run(boost::asio::awaitable<T> operation) {
    return sbx::blocking::run(context, std::move(operation));
  }

  sbx::Sandbox create(sbx::CreateOptions create_options = {}) { return run(router->create(std::move(create_options))); }

  /// Runs ready handlers without blocking.
  void settle() {
    context.restart();
    context.poll();
  }

  const sbx::CandidateHealth& health_of(const std::string& name) {
    health = router->health();
    for (const auto& h : health)
      if (h.name == name) return h;
    throw std::runtime_error("no candidate " + name);
  }

 private:
  static std::string unique(const std::string& tag) {
    static std::atomic<int> counter{0};
    return "rt-" + tag + "-" + std::to_string(counter++);
  }
  std::vector<sbx::CandidateHealth> health;
};

}  // namespace sbx_test
