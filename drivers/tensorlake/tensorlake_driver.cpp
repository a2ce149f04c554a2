#include "drivers/tensorlake/tensorlake_driver.hpp"

#include "drivers/tensorlake/create_flow.hpp"
#include "drivers/tensorlake/login_files.hpp"
#include "drivers/tensorlake/tensorlake_sandbox.hpp"
#include "json_fields.hpp"
#include "log.hpp"
#include "owner_labels.hpp"
#include "sbx/errors.hpp"

namespace sbx::drivers::tensorlake {
namespace {

const std::string backend_name = "tensorlake";

const Capabilities& tensorlake_capabilities() {
  static const Capabilities capabilities{
      .isolated = true,
      .network_control = true,
      .cpu_limit = true,
      .memory_limit = true,
      .disk_limit = true,
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

}  // namespace

BackendInfo backend_info() {
  return {
      .name = backend_name,
      .description = "Tensorlake cloud sandboxes (microVMs); needs TENSORLAKE_API_KEY or `tl login`",
      .capabilities = tensorlake_capabilities(),
      .factory = [](boost::asio::any_io_executor executor, const ClientOptions& options) -> std::shared_ptr<Driver> {
        return std::make_shared<tensorlake_driver>(std::move(executor), options);
      },
  };
}

tensorlake_driver::tensorlake_driver(boost::asio::any_io_executor executor, const ClientOptions& options)
    : context_(std::make_shared<tensorlake_context>(
          std::move(executor), load_settings(options.driver_options, process_environment(), default_config_dir()))) {}

const std::string& tensorlake_driver::name() const { return backend_name; }

const Capabilities& tensorlake_driver::capabilities() const { return tensorlake_capabilities(); }

awaitable<void> tensorlake_driver::start() {
  require_token(context_->settings);
  co_return;
}

awaitable<std::unique_ptr<SandboxSession>> tensorlake_driver::create(const ResolvedOptions& options) {
  const auto context = context_;
  require_token(context->settings);
  auto ticket = co_await context->admission.admit_create();
  const auto name = owner_name(std::chrono::seconds(options.timeout_secs));
  const auto image = options.image ? options.image : context->settings.image;
  const auto body = create_body(options, image, name);
  auto record = co_await create_sandbox(context->api, body, name, options.create_timeout, context->settings.knobs.retry,
                                        context->settings.poll_interval);
  detail::log(log_level::debug, "tensorlake: created sandbox " + record.sandbox_id + " (" + name + ")");
  auto target = target_of(context->settings, record, "create");
  co_return std::make_unique<tensorlake_sandbox>(context, std::move(record), std::move(target),
                                                 context->settings.workdir, options.env_vars, std::move(ticket.running));
}

awaitable<std::unique_ptr<SandboxSession>> tensorlake_driver::resume(const boost::json::object& data) {
  const auto context = context_;
  require_token(context->settings);
  const detail::json_reader read{data, "tensorlake session state"};
  const auto sandbox_id = read.required_string("sandbox_id");
  const auto workdir = read.string_or("workdir", context->settings.workdir);
  const auto env = data.contains("env") ? read.string_map("env") : env_map{};
  auto record = co_await context->api.get(sandbox_id, "resume");
  if (record.status != "running")
    throw SandboxNotFoundError("The Tensorlake sandbox " + sandbox_id + " is " + record.status + ", not running",
                               {.backend = "tensorlake", .op = "resume", .context = detail::context_of("status", record.status)});
  auto target = target_of(context->settings, record, "resume");
  co_return std::make_unique<tensorlake_sandbox>(context, std::move(record), std::move(target), workdir, env,
                                                 http::permit{});
}

awaitable<SweepReport> tensorlake_driver::sweep() {
  const auto context = context_;
  require_token(context->settings);
  SweepReport report;
  const auto listed = co_await context->api.list("sweep");
  for (const auto& sandbox : listed) {
    if (!sandbox.name || sandbox.status == "terminated") continue;
    const auto owner = owner_of(*sandbox.name);
    if (!owner) continue;
    if (!detail::is_orphan(*owner)) {
      ++report.kept;
      continue;
    }
    auto slot = co_await context->admission.admit_destroy();
    if (co_await context->api.remove(sandbox.sandbox_id, "sweep")) report.removed.push_back(sandbox.sandbox_id);
  }
  co_return report;
}

}  // namespace sbx::drivers::tensorlake
