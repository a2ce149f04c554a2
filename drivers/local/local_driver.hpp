// The `local` backend: sandboxes are private directories on this host and commands
// run as ordinary subprocesses there. Fast and dependency-free, but not isolated:
// commands can read and write the whole host filesystem and reach the network.
//
// Driver options: {"root": "<dir>"} puts the sandboxes there instead of
// $SBX_LOCAL_ROOT or ${TMPDIR:-/tmp}/sbx-local (see sandbox_layout.hpp).
#pragma once

#include "drivers/local/local_flavor.hpp"
#include "drivers/local/spare_pool.hpp"
#include "process/environment.hpp"
#include "sbx/driver.hpp"
#include "sbx/registry.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <filesystem>
#include <memory>

namespace sbx::drivers::local {

/// The registry entry of the `local` backend.
BackendInfo backend_info();

class local_driver final : public Driver {
 public:
  /// Sandboxes' lifetime timers run on `executor`. The host environment is read once,
  /// here, and shared by every sandbox of this driver.
  local_driver(boost::asio::any_io_executor executor, const ClientOptions& options);
  /// A backend built on this driver (see local_flavor.hpp): `flavor` sets its name,
  /// capabilities, per-sandbox settings and command wrapper.
  local_driver(boost::asio::any_io_executor executor, const ClientOptions& options, local_flavor flavor);

  const std::string& name() const override;
  const Capabilities& capabilities() const override;

  /// Creates the sandbox's owner record, tmp directory and workdir (or uses
  /// options.workdir, created if missing and kept on destroy). Ignored options: cpu, memory_mb,
  /// disk_mb, gpu, image, template_name, backend_options. Errors:
  /// FeatureNotSupportedError for allow_internet=false (the host's network cannot be
  /// restricted here: use bwrap or docker), SandboxCreationError.
  awaitable<std::unique_ptr<SandboxSession>> create(const ResolvedOptions& options) override;
  /// Reattaches to a sandbox from its session_data(). Errors: SandboxNotFoundError
  /// when it is gone or its lifetime has ended (it is then removed),
  /// SandboxConfigurationError for malformed data.
  awaitable<std::unique_ptr<SandboxSession>> resume(const boost::json::object& data) override;
  /// Removes the sandboxes under the base directory whose owner process is gone (on
  /// this host) or whose deadline passed. Background processes that an
  /// orphan's commands left behind are not tracked across processes and survive.
  /// Also removes the spare directories kept for new sandboxes (spare_pool.hpp).
  awaitable<SweepReport> sweep() override;

 private:
  boost::asio::any_io_executor executor_;
  std::filesystem::path base_;
  std::shared_ptr<const process::environment> host_env_;
  std::shared_ptr<spare_pool> spares_;  // shared with the sandboxes, which may outlive the driver
  std::shared_ptr<const local_flavor> flavor_;
};

}  // namespace sbx::drivers::local
