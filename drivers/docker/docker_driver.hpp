// The `docker` backend: sandboxes are containers of a Docker Engine (or Podman's
// Docker-compatible service), driven over the Engine API with no SDK or CLI.
//
// Daemon address: driver option "host", else $DOCKER_HOST (unix:// or tcp://), else
// unix:///var/run/docker.sock. The API version is negotiated from GET /_ping:
// min(daemon's Api-Version, 1.47), never pinned.
//
// Driver options (ClientOptions::driver_options):
//   "host"           daemon address, as DOCKER_HOST
//   "default_image"  image when neither `image` nor a preset names one
//                    (default "python:3.12-slim", as the original)
//   "registry_auth"  credentials for pulls: an object ({"username", "password",
//                    "serveraddress"} or {"identitytoken"}) or its base64url encoding;
//                    sent as X-Registry-Auth and never logged
//   "max_creates", "max_execs", "max_destroys", "max_running"
//                    admission limits (defaults 16, 128, 16, unlimited; see
//                    default_limits())
#pragma once

#include "drivers/docker/engine.hpp"
#include "sbx/driver.hpp"
#include "sbx/registry.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>

namespace sbx::drivers::docker {

/// The registry entry of the `docker` backend.
BackendInfo backend_info();

/// Image used when the options name none.
inline constexpr const char* default_image = "python:3.12-slim";

class docker_driver final : public Driver {
 public:
  /// Reads the driver options and the environment. Throws SandboxConfigurationError for
  /// a malformed option or an unsupported daemon address. Nothing is contacted yet.
  explicit docker_driver(const ClientOptions& options);

  const std::string& name() const override;
  const Capabilities& capabilities() const override;

  /// Negotiates the API version. Errors: SandboxConnectionError when no daemon answers,
  /// BackendNotInstalledError when it is too old.
  awaitable<void> start() override;

  /// Creates and starts a container (named "sbx-<random>"):
  /// - image: snapshot_id, else image, else the default image; pulled when missing
  ///   (snapshots never are: a missing one is SandboxNotFoundError);
  /// - keep-alive entrypoint bounded by timeout_secs, AutoRemove, so the container
  ///   disappears when its lifetime ends even if this process died;
  /// - NanoCpus from cpu, Memory from memory_mb, NetworkMode "none" when
  ///   allow_internet is false; env_vars; labels (owner labels included);
  /// - working directory: `workdir` when set (absolute), else the image's WorkingDir
  ///   unless empty or "/", else /workspace; the daemon creates it;
  /// - backend_options merged last into the create body (Engine API field names, e.g.
  ///   {"Hostname": "x", "HostConfig": {"ShmSize": 67108864}}; objects merge by key).
  /// Ignored: disk_mb, template_name, app_name. A failure (or cancellation) after the
  /// create request was sent removes the container by name.
  /// Errors: SandboxCreationError, SandboxNotFoundError (snapshot), SandboxConfigurationError.
  awaitable<std::unique_ptr<SandboxSession>> create(const ResolvedOptions& options) override;

  /// Reattaches to {"container_id": "..."}. Errors: SandboxNotFoundError when the
  /// container is gone or no longer running, SandboxConfigurationError for bad data.
  awaitable<std::unique_ptr<SandboxSession>> resume(const boost::json::object& data) override;

  /// Lists containers labelled sbx.library=sbx (running or not) and force-removes those
  /// whose owner process on this host is gone or whose sbx.expires_at passed; keeps the
  /// rest (including other hosts' live ones). Errors: SandboxExecutionError.
  awaitable<SweepReport> sweep() override;

 private:
  std::shared_ptr<engine> daemon_;
  std::string default_image_;
};

}  // namespace sbx::drivers::docker
