#include "drivers/local/local_driver.hpp"

#include "drivers/local/local_sandbox.hpp"
#include "drivers/local/sandbox_layout.hpp"
#include "driver_option_keys.hpp"
#include "json_fields.hpp"
#include "log.hpp"
#include "owner_labels.hpp"
#include "paths.hpp"
#include "sbx/errors.hpp"

namespace sbx::drivers::local {
namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;

const std::string backend_name = "local";

const Capabilities& local_capabilities() {
  static const Capabilities capabilities{
      .isolated = false,
      .network_control = false,
      .resume = true,
      .separate_stderr = true,
      .streaming = true,
      .lifetime_backstop = true,
      .sweep = true,
  };
  return capabilities;
}

error_info info(const char* op, error_context context = {}) {
  return {.backend = backend_name, .op = op, .context = std::move(context)};
}

// The driver option every local-family backend reads (base_directory()).
constexpr std::string_view option_keys[]{"root"};

// base_directory() of `driver_options`, once keys that neither the local driver nor
// `flavor` reads are refused.
fs::path checked_base_directory(const boost::json::object& driver_options, const local_flavor& flavor) {
  detail::reject_unknown_driver_options(driver_options, flavor.name, {option_keys, flavor.option_keys});
  return base_directory(driver_options);
}

}  // namespace

BackendInfo backend_info() {
  return {
      .name = backend_name,
      .description = "Subprocesses on this host in a private directory; no isolation or network "
                     "control; the lifetime timer only acts while the creating process runs",
      .capabilities = local_capabilities(),
      .factory = [](boost::asio::any_io_executor executor, const ClientOptions& options) -> std::shared_ptr<Driver> {
        return std::make_shared<local_driver>(std::move(executor), options);
      },
  };
}

local_driver::local_driver(boost::asio::any_io_executor executor, const ClientOptions& options)
    : local_driver(std::move(executor), options, {.name = backend_name, .capabilities = local_capabilities()}) {}

local_driver::local_driver(boost::asio::any_io_executor executor, const ClientOptions& options, local_flavor flavor)
    : executor_(std::move(executor)),
      base_(checked_base_directory(options.driver_options, flavor)),
      host_env_(std::make_shared<const process::environment>(process::host_environment())),
      spares_(std::make_shared<spare_pool>(base_)),
      flavor_(std::make_shared<const local_flavor>(std::move(flavor))) {}

const std::string& local_driver::name() const { return flavor_->name; }

const Capabilities& local_driver::capabilities() const { return flavor_->capabilities; }

awaitable<std::unique_ptr<SandboxSession>> local_driver::create(const ResolvedOptions& options) {
  if (!options.allow_internet && !flavor_->capabilities.network_control) {
    throw FeatureNotSupportedError("The " + flavor_->name +
                                       " backend cannot restrict network access (allow_internet=false); use bwrap or docker",
                                   {.backend = flavor_->name, .op = "create"});
  }
  local_sandbox_config config{.env_vars = options.env_vars};
  if (flavor_->settings) config.settings = flavor_->settings(options);
  if (options.timeout_secs > 0) config.deadline = system_clock::now() + std::chrono::seconds(options.timeout_secs);
  try {
    config.paths = create_sandbox(base_, {.labels = options.labels, .deadline = config.deadline}, *spares_);
  } catch (const std::system_error& e) {
    throw SandboxCreationError("Failed to create local sandbox: " + e.code().message(),
                               info("create", {{"path", base_.string()}}));
  }
  if (!options.workdir) {
    config.workdir = config.paths.own_workdir().string();
  } else {
    config.workdir = detail::resolve_sandbox_path(fs::current_path().string(), *options.workdir);
    std::error_code ec;
    fs::create_directories(config.workdir, ec);
    if (ec) {
      remove_sandbox(config.paths, spares_.get());
      throw SandboxCreationError("Failed to create local sandbox: " + ec.message(),
                                 info("create", {{"path", config.workdir}}));
    }
  }
  co_return std::make_unique<local_sandbox>(executor_, std::move(config), host_env_, spares_, flavor_);
}

awaitable<std::unique_ptr<SandboxSession>> local_driver::resume(const boost::json::object& data) {
  const detail::json_reader read{data, "local session state"};
  local_sandbox_config config{
      .paths = {.base = read.required_string("base"), .id = read.required_string("id")},
      .workdir = read.required_string("workdir"),
      .env_vars = read.string_map("env_vars"),
  };
  if (data.contains("settings")) config.settings = read.required_object("settings");
  if (const auto deadline = read.optional_string("deadline")) {
    config.deadline = detail::parse_utc(*deadline);
    if (!config.deadline) {
      throw SandboxConfigurationError("local session state: key 'deadline' must be an ISO 8601 UTC time");
    }
  }
  const auto gone = [&](const std::string& why) {
    return SandboxNotFoundError("The local sandbox " + config.paths.id + " " + why,
                                info("resume", {{"path", config.workdir}}));
  };
  std::error_code ec;
  if (!fs::exists(config.paths.record(), ec) || !fs::is_directory(config.workdir, ec)) {
    throw gone("no longer exists");
  }
  if (config.deadline && *config.deadline <= system_clock::now()) {
    remove_sandbox(config.paths);
    throw gone("reached the end of its lifetime");
  }
  co_return std::make_unique<local_sandbox>(executor_, std::move(config), host_env_, spares_, flavor_);
}

awaitable<SweepReport> local_driver::sweep() {
  SweepReport report;
  for (const auto& [paths, owner] : find_sandboxes(base_)) {
    if (!owner.orphaned()) {
      ++report.kept;
    } else if (const auto failure = remove_sandbox(paths)) {
      detail::log(log_level::warning, "sweep could not remove local sandbox " + paths.id + ": " + failure.message());
    } else {
      report.removed.push_back(paths.id);
    }
  }
  spare_pool::remove_all(base_);
  co_return report;
}

}  // namespace sbx::drivers::local
