// The `ray` backend: every sandbox is one long-lived job on a Ray cluster, submitted
// through the Job Submission REST API, whose entrypoint is the exec agent shipped with
// the library (agent/sbx_ray_agent.py, uploaded once as a runtime_env package). The
// driver talks to each agent directly for exec, streaming and files; stopping the job
// destroys the sandbox; the job's metadata (owner labels) drives sweep and resume.
//
// Not isolated: commands run as the Ray worker user on the node, absolute paths are
// node paths and the network is open (allow_internet=false is refused). cpu, memory_mb
// and gpu are scheduling reservations (entrypoint_num_cpus, entrypoint_memory,
// entrypoint_num_gpus), not enforced limits.
//
// Configuration, first match wins:
//   address:    driver option "address", $RAY_API_SERVER_ADDRESS, $RAY_ADDRESS when it is
//               an http(s) URL, else http://127.0.0.1:8265
//   auth token: driver option "auth_token", $RAY_AUTH_TOKEN (Ray's token authentication)
//   root:       driver option "root": the node directory holding sandbox directories
//               (default: <node temp dir>/sbx-ray)
// The agent needs python3 (3.9 or later) on the nodes, as Ray itself does.
#pragma once

#include "drivers/ray/ray_context.hpp"
#include "sbx/driver.hpp"
#include "sbx/registry.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace sbx::drivers::ray {

/// The registry entry of the `ray` backend.
BackendInfo backend_info();

class ray_driver final : public Driver {
 public:
  /// Reads the configuration (see above); nothing is contacted until start().
  ray_driver(boost::asio::any_io_executor executor, const ClientOptions& options);

  const std::string& name() const override;
  const Capabilities& capabilities() const override;

  /// Checks that the Jobs API answers and uploads the agent package when the cluster
  /// lacks it. Errors: SandboxConnectionError naming the address.
  awaitable<void> start() override;

  /// Submits the sandbox job and waits for its agent's readiness line in the job log,
  /// then hands the agent the sandbox's env_vars. Ignored options: disk_mb, image,
  /// template_name. Errors: SandboxCreationError (Ray refused the job, or it ended
  /// while starting, with Ray's message). Any failure or cancellation after the submit
  /// stops the job and deletes its record before the error propagates.
  awaitable<std::unique_ptr<SandboxSession>> create(const ResolvedOptions& options) override;

  /// Reattaches to a sandbox from its session_data(). Errors: SandboxNotFoundError when
  /// Ray no longer runs the job, SandboxConfigurationError for malformed data,
  /// SandboxConnectionError when the job runs but its agent does not answer.
  awaitable<std::unique_ptr<SandboxSession>> resume(const boost::json::object& data) override;

  /// Stops the RUNNING or PENDING jobs carrying this library's owner labels whose owner
  /// process is gone or whose lifetime passed, and forgets (deletes the records of) such
  /// jobs that ended over a minute ago. Jobs of live owners are counted in `kept`.
  awaitable<SweepReport> sweep() override;

 private:
  awaitable<void> ensure_package();

  std::shared_ptr<ray_context> context_;
};

}  // namespace sbx::drivers::ray
