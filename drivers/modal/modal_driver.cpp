#include "drivers/modal/modal_driver.hpp"

#include "drivers/modal/modal_sandbox.hpp"
#include "guarded.hpp"
#include "json_fields.hpp"
#include "log.hpp"
#include "owner_labels.hpp"
#include "process/concurrently.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

namespace sbx::drivers::modal {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

const std::string backend_name = "modal";
constexpr auto cleanup_bound = 30s;

const Capabilities& modal_capabilities() {
  static const Capabilities capabilities{
      .isolated = true,
      .network_control = true,
      .cpu_limit = true,
      .memory_limit = true,
      .gpu = true,
      .images = true,
      .snapshots = true,
      .resume = true,
      .separate_stderr = true,
      .streaming = true,
      .lifetime_backstop = true,
      .sweep = true,
      .remote = true,
  };
  return capabilities;
}

env_map library_filter() { return {{detail::label_library, "sbx"}}; }
env_map nonce_filter(const std::string& nonce) { return {{tag_create_nonce, nonce}}; }

// True for the failures after which a SandboxCreate may or may not have made a sandbox.
bool ambiguous(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::CANCELLED;
}

api::SandboxCreateRequest build_request(const ResolvedOptions& options, sandbox_inputs inputs) {
  auto request = sandbox_create_request(options, inputs);
  try {
    merge_backend_options(*request.mutable_definition(), options.backend_options);
  } catch (const std::invalid_argument& e) {
    throw SandboxConfigurationError(std::string("modal backend_options are not a Sandbox definition: ") + e.what(),
                                    {.backend = "modal", .op = "create"});
  }
  return request;
}

// The sandbox an earlier attempt made, if any; duplicates are terminated.
asio::awaitable<std::optional<std::string>> find_by_nonce(const control_api& api, const std::string& nonce) {
  const auto found = co_await api.list(nonce_filter(nonce), "create");
  if (found.empty()) co_return std::nullopt;
  for (std::size_t i = 1; i < found.size(); ++i) co_await api.terminate(found[i].id(), "create");
  detail::log(log_level::info, "modal create: adopting sandbox " + found.front().id() + " made by an ambiguous attempt");
  co_return found.front().id();
}

// SandboxCreate until it made exactly one sandbox (see modal_driver::create).
asio::awaitable<std::string> create_sandbox(const control_api& api, const api::SandboxCreateRequest& request,
                                            const std::string& nonce, std::chrono::milliseconds timeout) {
  const auto& policy = api.retry();
  const unsigned attempts = std::max(1u, policy.max_attempts);
  for (unsigned attempt = 0;; ++attempt) {
    auto [status, response] = co_await api.create_once(request, timeout);
    if (status.ok()) co_return response.sandbox_id();
    const bool last = attempt + 1 >= attempts;
    if (ambiguous(status.error_code())) {
      detail::log(log_level::info, std::string("modal create: outcome unknown (") + code_name(status.error_code()) +
                                       "); checking by nonce");
      if (auto found = co_await find_by_nonce(api, nonce)) co_return std::move(*found);
      if (last) throw_status(status, "create", "SandboxCreate", api.secrets());
    } else if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED || last) {
      throw_status(status, "create", "SandboxCreate", api.secrets());
    }
    co_await sleep_for(http::backoff_delay(policy, attempt, unit_draw()));
  }
}

// Terminates what a failed create made: the sandbox `sandbox_id`, else (after a
// cancellation, when a create may have reached Modal) whatever carries the nonce.
// Never throws; bounded by cleanup_bound.
asio::awaitable<void> clean_up(const control_api& api, std::optional<std::string> sandbox_id, std::string nonce) {
  auto remove = [&]() -> asio::awaitable<void> {
    try {
      if (sandbox_id) {
        co_await api.terminate(*sandbox_id, "create");
      } else {
        for (const auto& sandbox : co_await api.list(nonce_filter(nonce), "create"))
          co_await api.terminate(sandbox.id(), "create");
      }
    } catch (const SandboxError& e) {
      detail::log(log_level::warning, std::string("modal create: cleanup failed: ") + e.what());
    }
  };
  asio::steady_timer bound(co_await asio::this_coro::executor, cleanup_bound);
  co_await process::first_of(remove(), bound.async_wait(asio::use_awaitable));
}

}  // namespace

BackendInfo backend_info() {
  return {
      .name = backend_name,
      .description = "Modal cloud sandboxes (gVisor containers from registry images); needs MODAL_TOKEN_ID/SECRET",
      .capabilities = modal_capabilities(),
      .factory = [](boost::asio::any_io_executor executor, const ClientOptions& options) -> std::shared_ptr<Driver> {
        return std::make_shared<modal_driver>(std::move(executor), options);
      },
  };
}

modal_driver::modal_driver(boost::asio::any_io_executor executor, const ClientOptions& options)
    : context_(std::make_shared<modal_context>(std::move(executor),
                                               load_settings(options.driver_options, detail::process_environment()))) {}

const std::string& modal_driver::name() const { return backend_name; }

const Capabilities& modal_driver::capabilities() const { return modal_capabilities(); }

awaitable<void> modal_driver::start() {
  require_credentials(context_->settings);
  co_return;
}

awaitable<std::unique_ptr<SandboxSession>> modal_driver::create(const ResolvedOptions& options) {
  const auto context = context_;
  require_credentials(context->settings);
  auto ticket = co_await context->admission.admit_create();
  const auto& api = context->api;
  sandbox_inputs inputs;
  inputs.app_id = co_await api.app_id(options.app_name.value_or(context->settings.app_name));
  if (options.snapshot_id) {
    inputs.image_id = *options.snapshot_id;
  } else {
    inputs.image_id = co_await api.registry_image(inputs.app_id, options.image.value_or(context->settings.image));
  }
  if (!options.env_vars.empty()) inputs.secret_ids.push_back(co_await api.env_secret(inputs.app_id, options.env_vars));
  inputs.workdir = context->settings.workdir;
  const std::string nonce = detail::random_hex(16);
  inputs.tags = options.labels;
  inputs.tags[tag_create_nonce] = nonce;
  const auto request = build_request(options, std::move(inputs));

  std::optional<std::string> sandbox_id;
  std::exception_ptr failure;
  bool cancelled = false;
  try {
    sandbox_id = co_await create_sandbox(api, request, nonce, options.create_timeout);
    auto task_id = co_await api.task_id(*sandbox_id, "create");
    if (!task_id)
      throw SandboxCreationError("The Modal sandbox " + *sandbox_id + " ended before it started",
                                 {.backend = "modal", .op = "create"});
    detail::log(log_level::debug, "modal: created sandbox " + *sandbox_id);
    co_return std::make_unique<modal_sandbox>(context, std::move(*sandbox_id), std::move(*task_id),
                                              context->settings.workdir, std::move(ticket.running));
  } catch (const boost::system::system_error& e) {
    cancelled = detail::is_cancellation(e);
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  if (sandbox_id || cancelled) {
    co_await asio::this_coro::reset_cancellation_state();
    co_await clean_up(api, sandbox_id, nonce);
  }
  std::rethrow_exception(failure);
}

awaitable<std::unique_ptr<SandboxSession>> modal_driver::resume(const boost::json::object& data) {
  const auto context = context_;
  require_credentials(context->settings);
  const detail::json_reader read{data, "modal session state"};
  auto sandbox_id = read.required_string("sandbox_id");
  const auto workdir = read.string_or("workdir", context->settings.workdir);
  auto task_id = co_await context->api.task_id(sandbox_id, "resume");
  if (!task_id)
    throw SandboxNotFoundError("The Modal sandbox " + sandbox_id + " has ended",
                               {.backend = "modal", .op = "resume"});
  co_return std::make_unique<modal_sandbox>(context, std::move(sandbox_id), std::move(*task_id), workdir, http::permit{});
}

awaitable<SweepReport> modal_driver::sweep() {
  const auto context = context_;
  require_credentials(context->settings);
  SweepReport report;
  for (const auto& sandbox : co_await context->api.list(library_filter(), "sweep")) {
    env_map labels;
    for (const auto& tag : sandbox.tags()) labels[tag.tag_name()] = tag.tag_value();
    if (!detail::is_orphan(labels)) {
      ++report.kept;
      continue;
    }
    auto slot = co_await context->admission.admit_destroy();
    if (co_await context->api.terminate(sandbox.id(), "sweep")) report.removed.push_back(sandbox.id());
  }
  co_return report;
}

}  // namespace sbx::drivers::modal
