#include "drivers/ray/ray_driver.hpp"

#include "drivers/ray/agent_client.hpp"
#include "drivers/ray/agent_source.hpp"
#include "drivers/ray/job_request.hpp"
#include "drivers/ray/job_wait.hpp"
#include "drivers/ray/ray_errors.hpp"
#include "drivers/ray/ray_sandbox.hpp"
#include "drivers/ray/token.hpp"
#include "driver_option_keys.hpp"
#include "json_fields.hpp"
#include "log.hpp"
#include "owner_labels.hpp"

#include <boost/asio/this_coro.hpp>

#include <cstdlib>
#include <exception>

namespace sbx::drivers::ray {
namespace {

using namespace std::chrono_literals;
constexpr auto package_recheck = 5min;  // well inside Ray's ~10 minute pin of an uploaded package
constexpr auto forget_after = 1min;     // Ray has long noticed the supervisor's exit by then

const Capabilities& ray_capabilities() {
  static const Capabilities capabilities{
      .isolated = false,
      .network_control = false,
      .cpu_limit = true,
      .memory_limit = true,
      .gpu = true,
      .resume = true,
      .separate_stderr = true,
      .streaming = true,
      .lifetime_backstop = true,
      .sweep = true,
      .remote = true,
  };
  return capabilities;
}

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

std::string configured_address(const detail::json_reader& options) {
  if (auto address = options.optional_string("address")) return *address;
  if (auto address = environment("RAY_API_SERVER_ADDRESS")) return *address;
  if (auto address = environment("RAY_ADDRESS"); address && (address->starts_with("http://") || address->starts_with("https://")))
    return *address;
  return "http://127.0.0.1:8265";
}

// Ray's dashboard is one Python process: bounded creates keep its job table and the
// readiness polling manageable; destroys have their own pool.
http::admission_limits ray_limits() {
  return {.creates_in_flight = 64, .execs_in_flight = 512, .destroys_in_flight = 32};
}

// The driver option keys make_context reads.
constexpr std::string_view option_keys[]{"address", "auth_token", "root"};

std::shared_ptr<ray_context> make_context(const ClientOptions& options) {
  detail::reject_unknown_driver_options(options.driver_options, backend_name, {option_keys});
  const detail::json_reader read{options.driver_options, "ray driver options"};
  auto pool = http::make_connection_pool();
  auto token = read.optional_string("auth_token");
  if (!token) token = environment("RAY_AUTH_TOKEN");
  return std::make_shared<ray_context>(ray_context{
      .pool = pool,
      .jobs = jobs_api(pool, configured_address(read), std::move(token)),
      .admission = http::admission(ray_limits()),
      .package = make_agent_package(agent_source()),
      .root = read.optional_string("root"),
  });
}

// The inverse of ray_sandbox::session_data(). Errors: SandboxConfigurationError.
ray_sandbox_config parse_session_data(const boost::json::object& data) {
  const detail::json_reader read{data, "ray session state"};
  const auto port = read.number_or("agent_port", 0);
  if (port < 1 || port > 65535)
    throw SandboxConfigurationError("ray session state: key 'agent_port' must be a TCP port number");
  return {.job_id = read.required_string("job_id"),
          .agent = {.host = read.required_string("agent_host"),
                    .port = static_cast<std::uint16_t>(port),
                    .workdir = read.required_string("workdir"),
                    .scratch = read.required_string("scratch_dir")},
          .token = read.required_string("token")};
}

}  // namespace

BackendInfo backend_info() {
  return {
      .name = backend_name,
      .description = "One long-lived Ray job per sandbox (Jobs API) running an exec agent on a node; "
                     "no isolation or network control; cpu/memory/gpu are scheduling reservations",
      .capabilities = ray_capabilities(),
      .factory = [](boost::asio::any_io_executor executor, const ClientOptions& options) -> std::shared_ptr<Driver> {
        return std::make_shared<ray_driver>(std::move(executor), options);
      },
  };
}

ray_driver::ray_driver(boost::asio::any_io_executor, const ClientOptions& options)
    : context_(make_context(options)) {}

const std::string& ray_driver::name() const { return backend_name; }

const Capabilities& ray_driver::capabilities() const { return ray_capabilities(); }

awaitable<void> ray_driver::start() {
  try {
    co_await context_->jobs.check_version();
  } catch (const SandboxConnectionError& e) {
    throw SandboxConnectionError("The Ray Jobs API at " + context_->jobs.address() +
                                     " does not answer (set RAY_ADDRESS or the driver option 'address'): " +
                                     e.message(),
                                 ray_error("start"));
  }
  co_await ensure_package();
}

awaitable<void> ray_driver::ensure_package() {
  const auto now = std::chrono::steady_clock::now();
  if (context_->package_checked && now - *context_->package_checked < package_recheck) co_return;
  co_await context_->jobs.ensure_package(context_->package);
  context_->package_checked = now;
}

awaitable<std::unique_ptr<SandboxSession>> ray_driver::create(const ResolvedOptions& options) {
  const auto context = context_;
  auto ticket = co_await context->admission.admit_create();
  co_await ensure_package();
  const auto token = new_token();
  const job_spec spec{.submission_id = "sbx-" + detail::random_hex(16),
                      .package_uri = context->package.uri(),
                      .token_sha256 = sha256_hex(token),
                      .root = context->root};
  std::exception_ptr failure;
  try {
    const auto request = make_job_request(options, spec);
    co_await context->jobs.submit(request);
    auto agent = co_await wait_for_agent(context->jobs, spec.submission_id);
    const agent_client client(context->pool, agent, token);
    if (!options.env_vars.empty()) co_await client.set_env(options.env_vars);
    ray_sandbox_config config{.job_id = spec.submission_id, .agent = std::move(agent), .token = token};
    co_return std::make_unique<ray_sandbox>(context, std::move(config), std::move(ticket.running));
  } catch (...) {
    failure = std::current_exception();
  }
  // Whatever Ray allocated goes, even when this create was cancelled.
  co_await boost::asio::this_coro::reset_cancellation_state();
  try {
    co_await end_job(context->jobs, spec.submission_id);
  } catch (const std::exception& e) {
    detail::log(log_level::warning, "ray: cleanup of failed create " + spec.submission_id + " failed: " + e.what());
  }
  std::rethrow_exception(failure);
}

awaitable<std::unique_ptr<SandboxSession>> ray_driver::resume(const boost::json::object& data) {
  auto config = parse_session_data(data);
  const auto job = co_await context_->jobs.job(config.job_id);
  if (!job || job->terminal())
    throw SandboxNotFoundError("The Ray sandbox " + config.job_id + " is no longer running",
                               job_error("resume", config.job_id));
  const agent_client client(context_->pool, config.agent, config.token);
  co_await client.health();
  co_return std::make_unique<ray_sandbox>(context_, std::move(config), http::permit{});
}

awaitable<SweepReport> ray_driver::sweep() {
  const auto context = context_;
  SweepReport report;
  std::vector<std::string> orphans;
  for (const auto& job : co_await context->jobs.list()) {
    const auto library = job.metadata.find(detail::label_library);
    if (library == job.metadata.end() || library->second != "sbx") continue;
    const bool orphan = detail::is_orphan(job.metadata);
    try {
      if (!job.terminal() && !orphan) {
        ++report.kept;
      } else if (!job.terminal()) {
        co_await context->jobs.stop(job.id);  // all stop at once; end_job then waits
        orphans.push_back(job.id);
      } else if (orphan && job.end_time && *job.end_time + forget_after < std::chrono::system_clock::now()) {
        co_await context->jobs.remove(job.id);
      }
    } catch (const SandboxError& e) {
      detail::log(log_level::warning, "ray: sweep could not remove " + job.id + ": " + e.what());
    }
  }
  for (const auto& id : orphans) {
    try {
      if (co_await end_job(context->jobs, id)) report.removed.push_back(id);
      else detail::log(log_level::warning, "ray: sweep: job " + id + " did not stop in time");
    } catch (const SandboxError& e) {
      detail::log(log_level::warning, "ray: sweep could not remove " + id + ": " + e.what());
    }
  }
  co_return report;
}

}  // namespace sbx::drivers::ray
