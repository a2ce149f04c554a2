// The `daytona` backend: Daytona cloud sandboxes through Daytona's REST API and the
// toolbox daemon inside each sandbox. Configuration: see daytona_settings.hpp
// (DAYTONA_API_KEY, DAYTONA_API_URL, DAYTONA_TARGET and driver options).
#pragma once

#include "drivers/daytona/daytona_context.hpp"
#include "sbx/driver.hpp"
#include "sbx/registry.hpp"

#include <memory>

namespace sbx::drivers::daytona {

/// The registry entry of the `daytona` backend.
BackendInfo backend_info();

class daytona_driver final : public Driver {
 public:
  /// Reads the settings (SandboxConfigurationError for malformed driver options).
  daytona_driver(boost::asio::any_io_executor executor, const ClientOptions& options);

  /// "daytona".
  const std::string& name() const override;
  /// Isolated, network control, cpu/memory/disk limits, images, templates (Daytona
  /// snapshots), resume, sweep, lifetime backstop; no sandbox snapshots or GPUs.
  const Capabilities& capabilities() const override;

  /// Checks that an API key is configured (SandboxConfigurationError otherwise).
  awaitable<void> start() override;
  /// Creates a sandbox from options.image (with cpu, memory, disk), else from the
  /// Daytona snapshot options.template_name (else the "snapshot" driver option, else
  /// Daytona's default), with env_vars, the labels (plus a create nonce), networkBlockAll
  /// for allow_internet=false and the lifetime backstop, waits until it is started (at
  /// most options.create_timeout), after the admission limits. See create_started for
  /// failures and cancellation.
  awaitable<std::unique_ptr<SandboxSession>> create(const ResolvedOptions& options) override;
  /// Reattaches through GET /sandbox/{id}; the lifetime continues from the sandbox's
  /// sbx.expires_at label. Errors: SandboxNotFoundError when it is gone or not started,
  /// SandboxConfigurationError for malformed data.
  awaitable<std::unique_ptr<SandboxSession>> resume(const boost::json::object& data) override;
  /// Lists the sandboxes labelled sbx.library=sbx and deletes the orphans
  /// (detail::is_orphan: owner process gone on this host, or lifetime passed).
  awaitable<SweepReport> sweep() override;

 private:
  std::shared_ptr<daytona_context> context_;
};

}  // namespace sbx::drivers::daytona
