#include "drivers/safehouse/safehouse_driver.hpp"

#include "drivers/local/local_driver.hpp"
#include "drivers/local/local_sandbox.hpp"
#include "drivers/safehouse/safehouse_command.hpp"
#include "json_fields.hpp"
#include "process/spawn.hpp"
#include "sbx/errors.hpp"

#include <filesystem>

namespace sbx::drivers::safehouse {
namespace {

namespace fs = std::filesystem;

const std::string backend_name = "safehouse";

const Capabilities& safehouse_capabilities() {
  static const Capabilities capabilities{
      .isolated = true,
      .network_control = false,
      .resume = true,
      .separate_stderr = true,
      .streaming = true,
      .lifetime_backstop = true,
      .sweep = true,
  };
  return capabilities;
}

constexpr bool is_macos() {
#ifdef __APPLE__
  return true;
#else
  return false;
#endif
}

}  // namespace

BackendInfo backend_info() {
  return {
      .name = backend_name,
      .description = "Subprocesses on this Mac under Agent Safehouse (Seatbelt): writes only in "
                     "the workdir, network open; needs macOS and the safehouse CLI",
      .capabilities = safehouse_capabilities(),
      .factory = [](boost::asio::any_io_executor executor, const ClientOptions& options) -> std::shared_ptr<Driver> {
        return std::make_shared<local::local_driver>(
            std::move(executor), options, safehouse_flavor(process::host_environment(), options.driver_options));
      },
  };
}

local::local_flavor safehouse_flavor(const process::environment& host_env,
                                     const boost::json::object& driver_options) {
  const bool macos = is_macos() || detail::json_reader{driver_options, "safehouse driver options"}.bool_or(
                                       "assume_macos", false);
  const auto found = process::find_program("safehouse", host_env, "");
  const std::string safehouse = found ? fs::absolute(*found).lexically_normal().string() : std::string();
  // Throws BackendNotInstalledError naming what this system lacks.
  const auto require_installed = [macos, safehouse] {
    std::string missing;
    if (!macos) missing = "macOS (Seatbelt's sandbox-exec; this system is not macOS)";
    if (safehouse.empty()) {
      missing += std::string(missing.empty() ? "" : " and ") +
                 "the `safehouse` CLI on the PATH (brew install eugene1g/safehouse/agent-safehouse)";
    }
    if (!missing.empty()) {
      throw BackendNotInstalledError("The safehouse backend needs " + missing, {.backend = backend_name});
    }
  };
  return {
      .name = backend_name,
      .capabilities = safehouse_capabilities(),
      .settings = [require_installed](const ResolvedOptions&) {
        require_installed();
        return boost::json::object{};
      },
      .wrap = [require_installed, safehouse](process::spawn_spec& spec, const local::local_sandbox_config& config) {
        require_installed();
        spec.env = process::flattened(spec.base_env.get(), spec.env);
        spec.base_env.reset();
        scrub_safehouse_variables(spec.env);
        spec.argv = safehouse_argv(safehouse, config.workdir, config.paths.tmp().string(), std::move(spec.argv));
      },
      .option_keys = {"assume_macos"},  // read above
  };
}

}  // namespace sbx::drivers::safehouse
