// sbx::Client: the entry point for one backend.
#pragma once

#include "sbx/capabilities.hpp"
#include "sbx/driver.hpp"
#include "sbx/options.hpp"
#include "sbx/sandbox.hpp"
#include "sbx/types.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace sbx {

/// One backend's driver with its connections and limits, shared by every sandbox it
/// creates. Copies share the same driver.
///
/// Threads: a Client, its copies and its sandboxes are not synchronised; use them only
/// from the executor the client was made on, which must be single-threaded: an
/// io_context run by one thread, or a strand. Two supported ways to use N threads:
///  - one io_context (and its own clients) per thread; clients share no mutable
///    state (process-wide registries, presets, logging and owner labels are locked);
///  - one io_context run by N threads, each client made on its own strand
///    (`Client(asio::make_strand(context), "e2b")`, or Client::connect called from a
///    coroutine spawned on that strand) and every coroutine using it or its sandboxes
///    co_spawned on that same strand. Clients on different strands run in parallel.
/// See docs/reliability.md ("Threads") and tests/threads/.
class Client {
 public:
  /// Validates `backend` (SandboxConfigurationError listing the valid names), builds
  /// its driver on the current coroutine's executor and starts it (a daemon ping, a
  /// version negotiation...). Errors: BackendNotInstalledError, SandboxConnectionError.
  static awaitable<Client> connect(std::string_view backend, ClientOptions options = {});

  /// Same as connect but without starting the driver: the first create starts it.
  Client(boost::asio::any_io_executor executor, std::string_view backend,
         ClientOptions options = {});

  /// A client over an existing driver (e.g. a decorator around a registered backend's
  /// driver); backend_name() is driver->name(). The driver starts on the first create.
  static Client from_driver(boost::asio::any_io_executor executor, std::shared_ptr<Driver> driver,
                            ClientOptions options = {});

  const std::string& backend_name() const;
  const Capabilities& capabilities() const;
  const ClientOptions& options() const;

  /// Creates a sandbox: resolves the preset, validates the options, creates it on the
  /// provider, then clones git_repo, writes files, applies the workspace manifest and
  /// runs the preset's setup commands, in that order. Any failure after the provider
  /// allocated something destroys the sandbox and rethrows. Errors:
  /// SandboxConfigurationError (bad options, unknown preset), FeatureNotSupportedError
  /// (allow_internet=false where it cannot be enforced), SandboxCreationError,
  /// WorkspaceError. Cancellation: the partially created sandbox is destroyed.
  awaitable<Sandbox> create(CreateOptions options = {});

  /// Reattaches to a sandbox from its session_state(). Files, git and setup steps are
  /// not repeated. Errors: SandboxError on a backend mismatch, SandboxNotFoundError
  /// when it is gone, FeatureNotSupportedError where the backend cannot resume.
  awaitable<Sandbox> resume(const SessionState& state);

  /// Removes orphans: sandboxes labelled by this library whose owner process is gone
  /// or whose lifetime passed. Live sandboxes of running processes are kept.
  awaitable<SweepReport> sweep();

  /// The underlying driver.
  Driver& driver() const;

 private:
  struct state;
  explicit Client(std::shared_ptr<state> state);
  std::shared_ptr<state> state_;
};

}  // namespace sbx
