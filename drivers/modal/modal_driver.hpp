// The `modal` backend: Modal sandboxes over gRPC (control plane api.modal.com, then
// each sandbox's task command router). Configuration: see modal_settings.hpp
// (MODAL_TOKEN_ID, MODAL_TOKEN_SECRET, MODAL_SERVER_URL and driver options).
#pragma once

#include "drivers/modal/modal_context.hpp"
#include "sbx/driver.hpp"
#include "sbx/registry.hpp"

#include <memory>

namespace sbx::drivers::modal {

/// The registry entry of the `modal` backend.
BackendInfo backend_info();

class modal_driver final : public Driver {
 public:
  /// Reads the settings (SandboxConfigurationError for malformed driver options).
  modal_driver(boost::asio::any_io_executor executor, const ClientOptions& options);

  /// "modal".
  const std::string& name() const override;
  /// Isolated, network control, cpu/memory/gpu, images, snapshots, resume, sweep,
  /// lifetime backstop, remote.
  const Capabilities& capabilities() const override;

  /// Checks that credentials are configured (SandboxConfigurationError otherwise).
  awaitable<void> start() override;
  /// App get-or-create (options.app_name, else the "app_name" option), the image
  /// (options.snapshot_id as an image id, else the registry image built and awaited),
  /// env_vars as an ephemeral secret, SandboxCreate (tags = labels + a create nonce),
  /// then waits for the sandbox's container. A SandboxCreate that fails ambiguously
  /// (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN) is resolved by listing the
  /// nonce tag before it is tried again; RESOURCE_EXHAUSTED is tried again after a
  /// backoff. Anything that fails or is cancelled after the sandbox exists terminates
  /// it. Errors: SandboxCreationError, SandboxConfigurationError (token, bad
  /// backend_options), SandboxConnectionError; cancellation: cleanup, then
  /// operation_aborted.
  awaitable<std::unique_ptr<SandboxSession>> create(const ResolvedOptions& options) override;
  /// Reattaches: SandboxGetTaskId for data.sandbox_id. Errors: SandboxNotFoundError
  /// when it is gone or ended, SandboxConfigurationError for malformed data.
  awaitable<std::unique_ptr<SandboxSession>> resume(const boost::json::object& data) override;
  /// Lists the sandboxes tagged sbx.library=sbx and terminates the orphans
  /// (detail::is_orphan: owner process gone on this host, or lifetime passed).
  awaitable<SweepReport> sweep() override;

 private:
  std::shared_ptr<modal_context> context_;
};

}  // namespace sbx::drivers::modal
