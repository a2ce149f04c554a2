#include "drivers/daytona/daytona_driver.hpp"

#include "drivers/daytona/create_flow.hpp"
#include "drivers/daytona/daytona_sandbox.hpp"
#include "json_fields.hpp"
#include "log.hpp"
#include "owner_labels.hpp"
#include "sbx/errors.hpp"

namespace sbx::drivers::daytona {
namespace {

const std::string backend_name = "daytona";

const Capabilities& daytona_capabilities() {
  static const Capabilities capabilities{
      .isolated = true,
      .network_control = true,
      .cpu_limit = true,
      .memory_limit = true,
      .disk_limit = true,
      .images = true,
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

// When the sandbox's lifetime ends, from its owner labels.
std::optional<std::chrono::system_clock::time_point> expiry_of(const env_map& labels) {
  const auto it = labels.find(detail::label_expires_at);
  if (it == labels.end()) return std::nullopt;
  return detail::parse_utc(it->second);
}

}  // namespace

BackendInfo backend_info() {
  return {
      .name = backend_name,
      .description = "Daytona cloud sandboxes (from images or snapshots); needs DAYTONA_API_KEY",
      .capabilities = daytona_capabilities(),
      .factory = [](boost::asio::any_io_executor executor, const ClientOptions& options) -> std::shared_ptr<Driver> {
        return std::make_shared<daytona_driver>(std::move(executor), options);
      },
  };
}

daytona_driver::daytona_driver(boost::asio::any_io_executor executor, const ClientOptions& options)
    : context_(std::make_shared<daytona_context>(std::move(executor),
                                                 load_settings(options.driver_options, process_environment()))) {}

const std::string& daytona_driver::name() const { return backend_name; }

const Capabilities& daytona_driver::capabilities() const { return daytona_capabilities(); }

awaitable<void> daytona_driver::start() {
  require_api_key(context_->settings);
  co_return;
}

awaitable<std::unique_ptr<SandboxSession>> daytona_driver::create(const ResolvedOptions& options) {
  const auto context = context_;
  require_api_key(context->settings);
  auto ticket = co_await context->admission.admit_create();
  const std::string nonce = detail::random_hex(16);
  env_map labels = options.labels;
  labels[label_create_nonce] = nonce;
  const auto snapshot = options.template_name ? options.template_name : context->settings.snapshot;
  const auto body = create_body(options, snapshot, context->settings.target, labels);
  auto record = co_await create_started(context->api, body, nonce, options.create_timeout, context->settings.knobs.retry);
  detail::log(log_level::debug, "daytona: created sandbox " + record.id);
  const auto expires_at = std::chrono::system_clock::now() + std::chrono::seconds(options.timeout_secs);
  co_return std::make_unique<daytona_sandbox>(context, std::move(record), context->settings.workdir,
                                              std::move(ticket.running), expires_at);
}

awaitable<std::unique_ptr<SandboxSession>> daytona_driver::resume(const boost::json::object& data) {
  const auto context = context_;
  require_api_key(context->settings);
  const detail::json_reader read{data, "daytona session state"};
  const auto sandbox_id = read.required_string("sandbox_id");
  const auto workdir = read.string_or("workdir", context->settings.workdir);
  auto record = co_await context->api.get(sandbox_id, "resume");
  if (classify_state(record.state) != state_kind::started)
    throw SandboxNotFoundError("The Daytona sandbox " + sandbox_id + " is not running (state " + record.state + ")",
                               {.backend = "daytona", .op = "resume", .context = detail::context_of("sandbox_id", sandbox_id)});
  const auto expires_at = expiry_of(record.labels);
  co_return std::make_unique<daytona_sandbox>(context, std::move(record), workdir, http::permit{}, expires_at);
}

awaitable<SweepReport> daytona_driver::sweep() {
  const auto context = context_;
  require_api_key(context->settings);
  SweepReport report;
  const auto listed = co_await context->api.list(library_filter(), "sweep");
  for (const auto& sandbox : listed) {
    if (!detail::is_orphan(sandbox.labels)) {
      ++report.kept;
      continue;
    }
    auto slot = co_await context->admission.admit_destroy();
    if (co_await context->api.remove(sandbox.id, "sweep")) report.removed.push_back(sandbox.id);
  }
  co_return report;
}

}  // namespace sbx::drivers::daytona
