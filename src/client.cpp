#include "sbx/client.hpp"

#include "async_once.hpp"
#include "guarded.hpp"
#include "log.hpp"
#include "materialize.hpp"
#include "process/concurrently.hpp"
#include "resolve_options.hpp"
#include "sandbox_state.hpp"
#include "sbx/errors.hpp"
#include "sbx/registry.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>

namespace sbx {

struct Client::state {
  BackendInfo info;
  ClientOptions options;
  boost::asio::any_io_executor executor;
  std::shared_ptr<Driver> driver;
  detail::async_once started;

  state(boost::asio::any_io_executor ex, BackendInfo backend, ClientOptions opts)
      : info(std::move(backend)),
        options(std::move(opts)),
        executor(ex),
        driver(info.factory(ex, options)),
        started(ex) {}

  state(boost::asio::any_io_executor ex, std::shared_ptr<Driver> existing, ClientOptions opts)
      : info{.name = existing->name(), .capabilities = existing->capabilities()},
        options(std::move(opts)),
        executor(ex),
        driver(std::move(existing)),
        started(ex) {}

  awaitable<void> ensure_started() {
    co_await started.run([this] {
      return detail::guarded<SandboxConnectionError>(info.name, "start", driver->start());
    });
  }

  Sandbox adopt(std::unique_ptr<SandboxSession> session) {
    auto s = std::make_shared<detail::sandbox_state>();
    s->backend = info.name;
    s->driver = driver;
    s->session = std::move(session);
    s->executor = executor;
    s->default_exec_timeout = options.exec_timeout;
    return Sandbox(std::move(s));
  }
};

namespace {

// Writing to a pipe or socket whose reader is gone must fail with EPIPE, not kill the
// harness; every sandbox backend writes to children or peers that may vanish.
void ignore_sigpipe() {
  static const bool done = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

awaitable<void> create_into(std::unique_ptr<SandboxSession>& session, Driver& driver,
                            const ResolvedOptions& options, const std::string& backend) {
  session = co_await detail::guarded<SandboxCreationError>(backend, "create", driver.create(options));
}

// The driver's create, failing with SandboxTimeoutError when options.create_timeout
// passes first (the create is then cancelled; the driver releases what it allocated).
awaitable<std::unique_ptr<SandboxSession>> create_with_deadline(Driver& driver,
                                                                const ResolvedOptions& options,
                                                                const std::string& backend) {
  std::unique_ptr<SandboxSession> session;
  boost::asio::steady_timer deadline(co_await boost::asio::this_coro::executor, options.create_timeout);
  const auto first = co_await process::first_of(create_into(session, driver, options, backend),
                                                process::expiry(deadline));
  if (first == 0) co_return session;
  throw SandboxTimeoutError("create did not finish within " +
                                std::to_string(options.create_timeout.count()) + " ms",
                            {.backend = backend, .op = "create"});
}

}  // namespace

Client::Client(boost::asio::any_io_executor executor, std::string_view backend, ClientOptions options)
    : state_(std::make_shared<state>(executor, find_backend(backend), std::move(options))) {
  ignore_sigpipe();
}

Client::Client(std::shared_ptr<state> s) : state_(std::move(s)) { ignore_sigpipe(); }

Client Client::from_driver(boost::asio::any_io_executor executor, std::shared_ptr<Driver> driver,
                           ClientOptions options) {
  return Client(std::make_shared<state>(executor, std::move(driver), std::move(options)));
}

awaitable<Client> Client::connect(std::string_view backend, ClientOptions options) {
  Client client(co_await boost::asio::this_coro::executor, backend, std::move(options));
  co_await client.state_->ensure_started();
  co_return client;
}

const std::string& Client::backend_name() const { return state_->info.name; }
const Capabilities& Client::capabilities() const { return state_->driver->capabilities(); }
const ClientOptions& Client::options() const { return state_->options; }
Driver& Client::driver() const { return *state_->driver; }

awaitable<Sandbox> Client::create(CreateOptions options) {
  const auto s = state_;
  const auto plan = detail::resolve_options(options, s->info.name, capabilities(), s->options);
  co_await s->ensure_started();
  auto sandbox = s->adopt(co_await create_with_deadline(*s->driver, plan.options, s->info.name));

  std::exception_ptr failure;
  try {
    co_await detail::materialize(sandbox, options, plan);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    // Clean up even when the failure was a cancellation of this create.
    co_await boost::asio::this_coro::reset_cancellation_state();
    try {
      co_await sandbox.destroy();
    } catch (const std::exception& e) {
      detail::log(log_level::warning, "cleanup of a failed " + s->info.name + " create failed: " + e.what());
    }
    std::rethrow_exception(failure);
  }
  co_return sandbox;
}

awaitable<Sandbox> Client::resume(const SessionState& saved) {
  const auto s = state_;
  if (normalize_backend_name(saved.backend) != s->info.name)
    throw SandboxError("Session state is for backend '" + saved.backend + "', not '" + s->info.name + "'",
                       {.backend = s->info.name, .op = "resume"});
  co_await s->ensure_started();
  co_return s->adopt(co_await detail::guarded<SandboxCreationError>(
      s->info.name, "resume", s->driver->resume(saved.data)));
}

awaitable<SweepReport> Client::sweep() {
  const auto s = state_;
  co_await s->ensure_started();
  co_return co_await detail::guarded(s->info.name, "sweep", s->driver->sweep());
}

}  // namespace sbx
