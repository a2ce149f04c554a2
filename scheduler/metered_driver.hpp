// A Driver decorator that reports each sandbox's creation, execs and end to the router,
// which meters its cost and counts it against its candidate's limits (internal).
#pragma once

#include "sbx/cost.hpp"
#include "sbx/driver.hpp"

#include <memory>

namespace sbx::scheduler {

/// Receives one candidate's sandbox events. Called on the sandbox's executor.
class usage_listener {
 public:
  virtual ~usage_listener() = default;
  /// The provider created `session` with `options`; returns its meter.
  virtual CostMeter::entry_id created(const SandboxSession& session, const ResolvedOptions& options) = 0;
  /// An exec is starting.
  virtual void exec_started(CostMeter::entry_id meter) = 0;
  /// destroy() succeeded: the meter stops.
  virtual void destroyed(CostMeter::entry_id meter) = 0;
  /// The sandbox no longer counts against the candidate's limits: destroy() ended
  /// (either way) or the session was dropped. Called exactly once.
  virtual void released(CostMeter::entry_id meter, const std::string& sandbox_id) = 0;
};

/// Forwards every call to `inner`; sessions it creates are wrapped so that the
/// listener hears of them. Resumed sessions are passed through unmetered.
class metered_driver final : public Driver {
 public:
  metered_driver(std::shared_ptr<Driver> inner, std::shared_ptr<usage_listener> listener);

  const std::string& name() const override;
  const Capabilities& capabilities() const override;
  awaitable<void> start() override;
  awaitable<std::unique_ptr<SandboxSession>> create(const ResolvedOptions& options) override;
  awaitable<std::unique_ptr<SandboxSession>> resume(const boost::json::object& data) override;
  awaitable<SweepReport> sweep() override;

 private:
  std::shared_ptr<Driver> inner_;
  std::shared_ptr<usage_listener> listener_;
};

}  // namespace sbx::scheduler
