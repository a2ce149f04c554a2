// An in-process backend for router tests and bench/router_fanout: creates succeed,
// fail or take time as its control object says, and it counts what happened.
#pragma once

#include "sbx/cost.hpp"
#include "sbx/driver.hpp"
#include "sbx/errors.hpp"
#include "sbx/registry.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace sbx_test {

/// A clock that moves only when told to (for meters, breakers and latencies).
struct manual_clock {
  std::shared_ptr<std::chrono::system_clock::time_point> now = std::make_shared<std::chrono::system_clock::time_point>(
      std::chrono::sys_days(std::chrono::year(2026) / 11 / 27));

  sbx::clock_function function() const {
    return [now = now] { return *now; };
  }
  void advance(std::chrono::system_clock::duration d) const { *now += d; }
};

/// What a scripted backend does, and what it saw. Shared by the test and its drivers.
struct scripted_backend {
  std::string name;
  sbx::Capabilities capabilities{.isolated = true, .network_control = true, .cpu_limit = true,
                                 .memory_limit = true, .images = true};
  bool fail_creates = false;  // every create throws fail()
  double failure_rate = 0;    // else exactly this share of creates fails, evenly spread
  std::function<void()> fail = [] {
    throw sbx::SandboxCreationError("scripted create failure",
                                    {.backend = "scripted", .op = "create", .context = {{"status", "503"}}});
  };
  std::chrono::microseconds create_latency{0};  // real time each create takes
  std::chrono::microseconds write_latency{0};   // real time each write_file takes (setup steps)
  std::function<void()> on_create;              // runs at the start of every create

  std::size_t create_attempts = 0;
  std::size_t created = 0;
  std::size_t destroyed = 0;
  std::size_t live = 0;
  std::size_t max_live = 0;
  std::size_t execs = 0;
  std::size_t next_id = 0;

  bool next_create_fails() {
    const auto n = static_cast<double>(create_attempts);
    ++create_attempts;
    return fail_creates || std::floor((n + 1) * failure_rate) > std::floor(n * failure_rate);
  }
};

/// A scripted sandbox: execs succeed with no output; files are not kept.
class scripted_session final : public sbx::SandboxSession {
 public:
  scripted_session(std::shared_ptr<scripted_backend> backend, std::string id)
      : backend_(std::move(backend)), id_(std::move(id)) {}
  const std::string& id() const override { return id_; }
  const std::string& workdir() const override { return workdir_; }
  sbx::awaitable<sbx::ExecStatus> exec(sbx::ExecRequest) override {
    ++backend_->execs;
    co_return sbx::ExecStatus{};
  }
  sbx::awaitable<std::vector<sbx::FileInfo>> list_files(std::string) override { co_return std::vector<sbx::FileInfo>{}; }
  sbx::awaitable<std::string> read_file(std::string path) override {
    throw sbx::SandboxNotFoundError("no such file", {.context = {{"path", path}}});
    co_return std::string();
  }
  sbx::awaitable<void> write_file(std::string, std::string) override {
    if (backend_->write_latency.count() > 0) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, backend_->write_latency);
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
  }
  boost::json::object session_data() const override { return {{"id", id_}}; }
  sbx::awaitable<void> destroy() override {
    if (!destroyed_) {
      destroyed_ = true;
      ++backend_->destroyed;
      --backend_->live;
    }
    co_return;
  }
  bool destroyed() const override { return destroyed_; }

 private:
  std::shared_ptr<scripted_backend> backend_;
  std::string id_;
  std::string workdir_ = "/work";
  bool destroyed_ = false;
};

class scripted_driver final : public sbx::Driver {
 public:
  explicit scripted_driver(std::shared_ptr<scripted_backend> backend) : backend_(std::move(backend)) {}
  const std::string& name() const override { return backend_->name; }
  const sbx::Capabilities& capabilities() const override { return backend_->capabilities; }
  sbx::awaitable<std::unique_ptr<sbx::SandboxSession>> create(const sbx::ResolvedOptions&) override {
    const auto backend = backend_;
    if (backend->on_create) backend->on_create();
    const bool fails = backend->next_create_fails();
    if (backend->create_latency.count() > 0) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, backend->create_latency);
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
    if (fails) backend->fail();
    ++backend->created;
    backend->max_live = std::max(backend->max_live, ++backend->live);
    co_return std::make_unique<scripted_session>(backend, backend->name + "-" + std::to_string(backend->next_id++));
  }
  sbx::awaitable<std::unique_ptr<sbx::SandboxSession>> resume(const boost::json::object&) override {
    throw sbx::FeatureNotSupportedError("scripted sandboxes cannot be resumed");
    co_return nullptr;
  }

 private:
  std::shared_ptr<scripted_backend> backend_;
};

/// Registers (or replaces) backend `name`, controlled by the returned object.
inline std::shared_ptr<scripted_backend> register_scripted(std::string name,
                                                           std::optional<sbx::Capabilities> capabilities = {}) {
  auto backend = std::make_shared<scripted_backend>();
  backend->name = name;
  if (capabilities) backend->capabilities = *capabilities;
  sbx::register_backend({.name = name,
                         .description = "scripted test backend",
                         .capabilities = backend->capabilities,
                         .factory = [backend](boost::asio::any_io_executor, const sbx::ClientOptions&) {
                           return std::shared_ptr<sbx::Driver>(std::make_shared<scripted_driver>(backend));
                         }});
  return backend;
}

}  // namespace sbx_test
