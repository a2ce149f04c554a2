#include "drivers/e2b/e2b_driver.hpp"

#include "drivers/e2b/create_flow.hpp"
#include "drivers/e2b/e2b_sandbox.hpp"
#include "json_fields.hpp"
#include "log.hpp"
#include "owner_labels.hpp"
#include "sbx/errors.hpp"

namespace sbx::drivers::e2b {
namespace {

const std::string backend_name = "e2b";

const Capabilities& e2b_capabilities() {
  static const Capabilities capabilities{
      .isolated = true,
      .network_control = true,
      .templates = true,
      .resume = true,
      .separate_stderr = true,
      .streaming = true,
      .lifetime_backstop = true,
      .sweep = true,
      .remote = true,
  };
  return capabilities;
}

// The labels every sandbox of this library carries.
env_map library_filter() { return {{detail::label_library, "sbx"}}; }

}  // namespace

BackendInfo backend_info() {
  return {
      .name = backend_name,
      .description = "E2B cloud sandboxes (microVMs from templates); needs E2B_API_KEY",
      .capabilities = e2b_capabilities(),
      .factory = [](boost::asio::any_io_executor executor, const ClientOptions& options) -> std::shared_ptr<Driver> {
        return std::make_shared<e2b_driver>(std::move(executor), options);
      },
  };
}

e2b_driver::e2b_driver(boost::asio::any_io_executor executor, const ClientOptions& options)
    : context_(std::make_shared<e2b_context>(std::move(executor),
                                             load_settings(options.driver_options, process_environment()))) {}

const std::string& e2b_driver::name() const { return backend_name; }

const Capabilities& e2b_driver::capabilities() const { return e2b_capabilities(); }

awaitable<void> e2b_driver::start() {
  require_api_key(context_->settings);
  co_return;
}

awaitable<std::unique_ptr<SandboxSession>> e2b_driver::create(const ResolvedOptions& options) {
  const auto context = context_;
  require_api_key(context->settings);
  auto ticket = co_await context->admission.admit_create();
  const std::string nonce = detail::random_hex(16);
  env_map metadata = options.labels;
  metadata[label_create_nonce] = nonce;
  const auto body = create_body(options, options.template_name.value_or(context->settings.template_id), metadata);
  auto record = co_await create_sandbox(context->api, body, nonce, options.create_timeout, context->settings.retry);
  detail::log(log_level::debug, "e2b: created sandbox " + record.sandbox_id);
  co_return std::make_unique<e2b_sandbox>(context, std::move(record), context->settings.workdir,
                                          std::move(ticket.running));
}

awaitable<std::unique_ptr<SandboxSession>> e2b_driver::resume(const boost::json::object& data) {
  const auto context = context_;
  require_api_key(context->settings);
  const detail::json_reader read{data, "e2b session state"};
  const auto sandbox_id = read.required_string("sandbox_id");
  const auto workdir = read.string_or("workdir", context->settings.workdir);
  auto record = co_await context->api.get(sandbox_id, "resume");
  co_return std::make_unique<e2b_sandbox>(context, std::move(record), workdir, http::permit{});
}

awaitable<SweepReport> e2b_driver::sweep() {
  const auto context = context_;
  require_api_key(context->settings);
  SweepReport report;
  const auto listed = co_await context->api.list(library_filter(), "sweep");
  for (const auto& sandbox : listed) {
    if (!detail::is_orphan(sandbox.metadata)) {
      ++report.kept;
      continue;
    }
    auto slot = co_await context->admission.admit_destroy();
    if (co_await context->api.kill(sandbox.sandbox_id, "sweep")) report.removed.push_back(sandbox.sandbox_id);
  }
  co_return report;
}

}  // namespace sbx::drivers::e2b
