#include "drivers/bwrap/bwrap_driver.hpp"

#include "drivers/bwrap/bwrap_command.hpp"
#include "drivers/local/local_driver.hpp"
#include "drivers/local/local_sandbox.hpp"
#include "json_fields.hpp"
#include "process/spawn.hpp"
#include "sbx/errors.hpp"

#include <cmath>
#include <filesystem>

namespace sbx::drivers::bwrap {
namespace {

namespace fs = std::filesystem;

const std::string backend_name = "bwrap";

const Capabilities& bwrap_capabilities() {
  static const Capabilities capabilities{
      .isolated = true,
      .network_control = true,
      .memory_limit = true,
      .resume = true,
      .separate_stderr = true,
      .streaming = true,
      .lifetime_backstop = true,
      .sweep = true,
  };
  return capabilities;
}

// Absolute path of `name` on the PATH of `env`; empty when not found.
std::string find_tool(const char* name, const process::environment& env) {
  const auto found = process::find_program(name, env, "");
  return found ? fs::absolute(*found).lexically_normal().string() : std::string();
}

// Absolute, normalised, without a trailing slash.
std::string normal(const fs::path& path) {
  auto text = fs::absolute(path).lexically_normal().string();
  if (text.size() > 1 && text.ends_with('/')) text.pop_back();
  return text;
}

// The sandbox settings kept for resume: {"allow_internet", "memory_bytes", "cpu_seconds"}.
boost::json::object limits_of(const ResolvedOptions& options) {
  boost::json::object settings{{"allow_internet", options.allow_internet}};
  if (options.memory_mb > 0) settings["memory_bytes"] = std::int64_t(options.memory_mb) * 1024 * 1024;
  if (options.timeout_secs > 0 && options.cpu > 0) {
    settings["cpu_seconds"] = static_cast<std::int64_t>(std::ceil(options.cpu * options.timeout_secs));
  }
  return settings;
}

std::optional<std::uint64_t> optional_count(const detail::json_reader& read, std::string_view key) {
  const auto value = read.optional_number(key);
  if (!value) return std::nullopt;
  return static_cast<std::uint64_t>(*value);
}

}  // namespace

BackendInfo backend_info() {
  return {
      .name = backend_name,
      .description = "Subprocesses on this host inside bubblewrap: read-only system, private "
                     "workspace and /tmp, optional network cut, prlimit memory/CPU-time limits",
      .capabilities = bwrap_capabilities(),
      .factory = [](boost::asio::any_io_executor executor, const ClientOptions& options) -> std::shared_ptr<Driver> {
        return std::make_shared<local::local_driver>(std::move(executor), options,
                                                     bwrap_flavor(process::host_environment()));
      },
  };
}

local::local_flavor bwrap_flavor(const process::environment& host_env) {
  bwrap_invocation tools{.bwrap = find_tool("bwrap", host_env), .prlimit = find_tool("prlimit", host_env)};
  // Throws BackendNotInstalledError naming the missing programs.
  const auto require_tools = [tools] {
    std::string missing;
    if (tools.bwrap.empty()) missing = "bwrap (bubblewrap)";
    if (tools.prlimit.empty()) missing += std::string(missing.empty() ? "" : " and ") + "prlimit (util-linux)";
    if (!missing.empty()) {
      throw BackendNotInstalledError("The bwrap backend needs " + missing + " on the PATH", {.backend = backend_name});
    }
  };
  return {
      .name = backend_name,
      .capabilities = bwrap_capabilities(),
      .settings = [require_tools](const ResolvedOptions& options) {
        require_tools();
        return limits_of(options);
      },
      .wrap = [require_tools, tools](process::spawn_spec& spec, const local::local_sandbox_config& config) {
        require_tools();
        const detail::json_reader read{config.settings, "bwrap session settings"};
        bwrap_invocation how = tools;
        how.base = normal(config.paths.base);
        how.writable = {normal(config.workdir), normal(config.paths.tmp())};
        how.cwd = std::move(spec.cwd);
        how.allow_internet = read.bool_or("allow_internet", false);
        how.memory_bytes = optional_count(read, "memory_bytes");
        how.cpu_seconds = optional_count(read, "cpu_seconds");
        spec.argv = bwrap_argv(how, std::move(spec.argv));
        spec.cwd = config.workdir;
      },
  };
}

}  // namespace sbx::drivers::bwrap
