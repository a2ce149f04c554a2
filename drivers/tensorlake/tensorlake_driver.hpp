// The `tensorlake` backend: Tensorlake sandboxes (Firecracker microVMs) through the
// lifecycle API and each sandbox's management API behind Tensorlake's proxy.
// Configuration: see tensorlake_settings.hpp (TENSORLAKE_API_KEY, TENSORLAKE_PAT, the
// `tl login` files, TENSORLAKE_API_URL and driver options).
#pragma once

#include "drivers/tensorlake/tensorlake_context.hpp"
#include "sbx/driver.hpp"
#include "sbx/registry.hpp"

#include <memory>

namespace sbx::drivers::tensorlake {

/// The registry entry of the `tensorlake` backend.
BackendInfo backend_info();

class tensorlake_driver final : public Driver {
 public:
  /// Reads the settings (SandboxConfigurationError for malformed driver options).
  tensorlake_driver(boost::asio::any_io_executor executor, const ClientOptions& options);

  /// "tensorlake".
  const std::string& name() const override;
  /// Isolated, network control, cpu/memory/disk limits, GPUs, images, snapshots,
  /// resume, sweep, lifetime backstop; no templates or ports.
  const Capabilities& capabilities() const override;

  /// Checks that credentials are configured (SandboxConfigurationError otherwise).
  awaitable<void> start() override;
  /// Creates a named sandbox (the name carries the owner, see owner_name) from
  /// options.image (else the "image" driver option, else Tensorlake's default image)
  /// or options.snapshot_id, with cpus, memory_mb, disk_mb, gpus, timeout_secs as the
  /// lifetime, the egress policy and auto_resume=false, waiting for the admission
  /// limits first and for the sandbox to run (see create_sandbox for failures and
  /// cancellation). env_vars are applied to every command (Tensorlake has no
  /// sandbox-wide environment). Ignored: template_name.
  awaitable<std::unique_ptr<SandboxSession>> create(const ResolvedOptions& options) override;
  /// Reattaches through GET /sandboxes/{id}. Errors: SandboxNotFoundError when it is
  /// gone or no longer running, SandboxConfigurationError for malformed data.
  awaitable<std::unique_ptr<SandboxSession>> resume(const boost::json::object& data) override;
  /// Lists the sandboxes and deletes those named by this library (owner_of) whose owner
  /// is gone or whose lifetime passed (detail::is_orphan), including the suspended
  /// ones Tensorlake keeps after a named sandbox's timeout.
  awaitable<SweepReport> sweep() override;

 private:
  std::shared_ptr<tensorlake_context> context_;
};

}  // namespace sbx::drivers::tensorlake
