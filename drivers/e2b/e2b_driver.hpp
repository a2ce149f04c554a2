// The `e2b` backend: E2B cloud sandboxes (Firecracker microVMs) through E2B's control
// plane and the envd agent inside each sandbox. Configuration: see e2b_settings.hpp
// (E2B_API_KEY, E2B_DOMAIN, E2B_API_URL, E2B_SANDBOX_URL and driver options).
#pragma once

#include "drivers/e2b/e2b_context.hpp"
#include "sbx/driver.hpp"
#include "sbx/registry.hpp"

#include <memory>

namespace sbx::drivers::e2b {

/// The registry entry of the `e2b` backend.
BackendInfo backend_info();

class e2b_driver final : public Driver {
 public:
  /// Reads the settings (SandboxConfigurationError for malformed driver options).
  e2b_driver(boost::asio::any_io_executor executor, const ClientOptions& options);

  /// "e2b".
  const std::string& name() const override;
  /// Isolated, network control, templates, resume, sweep, lifetime backstop; no
  /// cpu/memory/disk limits (they come with the template), images, snapshots or GPUs.
  const Capabilities& capabilities() const override;

  /// Checks that an API key is configured (SandboxConfigurationError otherwise).
  awaitable<void> start() override;
  /// Creates a sandbox from options.template_name (else the "template" driver option,
  /// else "base") with env_vars, the labels as metadata (plus a create nonce), the
  /// lifetime timeout_secs, allow_internet_access and autoPause=false, waiting for the
  /// admission limits first (see create_sandbox for failures and cancellation).
  /// Ignored: cpu, memory_mb, disk_mb (they come with the template), image.
  awaitable<std::unique_ptr<SandboxSession>> create(const ResolvedOptions& options) override;
  /// Reattaches through GET /sandboxes/{id}. Errors: SandboxNotFoundError when it is
  /// gone, SandboxConfigurationError for malformed data.
  awaitable<std::unique_ptr<SandboxSession>> resume(const boost::json::object& data) override;
  /// Lists the sandboxes labelled sbx.library=sbx and kills the orphans
  /// (detail::is_orphan: owner process gone on this host, or lifetime passed).
  awaitable<SweepReport> sweep() override;

 private:
  std::shared_ptr<e2b_context> context_;
};

}  // namespace sbx::drivers::e2b
