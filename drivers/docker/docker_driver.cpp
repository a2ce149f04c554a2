#include "drivers/docker/docker_driver.hpp"

#include "drivers/docker/containers.hpp"
#include "drivers/docker/daemon_url.hpp"
#include "drivers/docker/docker_sandbox.hpp"
#include "drivers/docker/images.hpp"
#include "drivers/docker/requests.hpp"
#include "drivers/docker/sleep.hpp"
#include "driver_option_keys.hpp"
#include "json_fields.hpp"
#include "log.hpp"
#include "owner_labels.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/json/serialize.hpp>

namespace sbx::drivers::docker {
namespace {

const std::string backend_name = "docker";
const std::string fallback_workdir = "/workspace";

const Capabilities& docker_capabilities() {
  static const Capabilities capabilities{
      .isolated = true,
      .network_control = true,
      .cpu_limit = true,
      .memory_limit = true,
      .images = true,
      .snapshots = true,
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

std::string base64url(std::string_view bytes) {
  std::string out(boost::beast::detail::base64::encoded_size(bytes.size()), '\0');
  out.resize(boost::beast::detail::base64::encode(out.data(), bytes.data(), bytes.size()));
  for (auto& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> registry_auth(const boost::json::object& options) {
  const auto* value = options.if_contains("registry_auth");
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_string()) return std::string(value->get_string());
  if (value->is_object()) return base64url(boost::json::serialize(*value));
  throw SandboxConfigurationError("docker driver options: key 'registry_auth' must be an object or a string");
}

std::size_t limit(const detail::json_reader& read, std::string_view key, std::size_t fallback) {
  const auto value = read.number_or(key, static_cast<double>(fallback));
  if (value < 0 || value != static_cast<double>(static_cast<std::size_t>(value)))
    throw SandboxConfigurationError("docker driver options: key '" + std::string(key) +
                                    "' must be a non-negative integer");
  return static_cast<std::size_t>(value);
}

// The driver option keys settings_from and the constructor read (docker_driver.hpp).
constexpr std::string_view option_keys[]{"host",        "default_image", "registry_auth", "max_creates",
                                         "max_execs", "max_destroys",  "max_running"};

engine_settings settings_from(const ClientOptions& options) {
  detail::reject_unknown_driver_options(options.driver_options, backend_name, {option_keys});
  const detail::json_reader read{options.driver_options, "docker driver options"};
  auto limits = default_limits();
  limits.creates_in_flight = limit(read, "max_creates", limits.creates_in_flight);
  limits.execs_in_flight = limit(read, "max_execs", limits.execs_in_flight);
  limits.destroys_in_flight = limit(read, "max_destroys", limits.destroys_in_flight);
  limits.running_sandboxes = limit(read, "max_running", limits.running_sandboxes);
  return {.url = daemon_url(daemon_location_from_env(read.optional_string("host"))),
          .limits = limits,
          .registry_auth = registry_auth(options.driver_options)};
}

std::string choose_workdir(const ResolvedOptions& options, const image_facts& image) {
  if (options.workdir) {
    if (options.workdir->empty() || options.workdir->front() != '/')
      throw SandboxConfigurationError("docker: workdir must be an absolute path inside the container",
                                      info("create", {{"workdir", *options.workdir}}));
    return *options.workdir;
  }
  if (!image.working_dir.empty() && image.working_dir != "/") return image.working_dir;
  return fallback_workdir;
}

bool runs_as_non_root(const std::string& user) {
  const auto name = user.substr(0, user.find(':'));
  return !name.empty() && name != "root" && name != "0";
}

// True when a create request may have reached the daemon without its answer reaching
// us (cancelled, connection lost, timed out): the daemon may still be making it.
bool create_may_be_pending(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const SandboxConnectionError&) {
    return true;
  } catch (const SandboxTimeoutError&) {
    return true;
  } catch (const SandboxError&) {
    return false;  // the daemon answered: nothing is on its way
  } catch (...) {
    return true;  // cancellation (operation_aborted) and anything unforeseen
  }
}

// Removes a container whose creation failed; never throws. When the create may still
// be under way in the daemon (`pending`), it is looked for by name for about 3 s, so a
// container the daemon finishes after we gave up on its create is removed too.
awaitable<void> discard(const engine& daemon, const std::string& name, bool pending) {
  try {
    for (int attempt = 0;; ++attempt) {
      const bool removed = co_await remove_container(daemon, name, "create");
      if (removed || !pending || attempt == 15) break;
      co_await sleep_for(std::chrono::milliseconds(200));
    }
  } catch (const std::exception& e) {
    detail::log(log_level::warning, "docker: removing the half-created container " + name + " failed: " + e.what());
  }
}

}  // namespace

BackendInfo backend_info() {
  return {
      .name = backend_name,
      .description = "Containers on a Docker Engine (or Podman) over its API socket; isolated, "
                     "network control, cpu/memory limits, snapshots, lifetime-bounded",
      .capabilities = docker_capabilities(),
      .factory = [](boost::asio::any_io_executor, const ClientOptions& options) -> std::shared_ptr<Driver> {
        return std::make_shared<docker_driver>(options);
      },
  };
}

docker_driver::docker_driver(const ClientOptions& options)
    : daemon_(std::make_shared<engine>(settings_from(options))),
      default_image_(detail::json_reader{options.driver_options, "docker driver options"}.string_or(
          "default_image", default_image)) {}

const std::string& docker_driver::name() const { return backend_name; }
const Capabilities& docker_driver::capabilities() const { return docker_capabilities(); }

awaitable<void> docker_driver::start() { co_await daemon_->negotiate(); }

awaitable<std::unique_ptr<SandboxSession>> docker_driver::create(const ResolvedOptions& options) {
  auto ticket = co_await daemon_->admission().admit_create();
  const bool from_snapshot = options.snapshot_id.has_value();
  const auto image_name = from_snapshot ? *options.snapshot_id : options.image.value_or(default_image_);
  const auto image = co_await ensure_image(*daemon_, image_name, !from_snapshot);
  const container_spec spec{
      .image = image_name,
      .workdir = choose_workdir(options, image),
      .lifetime_secs = options.timeout_secs,
      .cpu = options.cpu,
      .memory_mb = options.memory_mb,
      .allow_internet = options.allow_internet,
      .env = options.env_vars,
      .labels = options.labels,
      .backend_options = options.backend_options,
  };
  const auto container_name = "sbx-" + detail::random_hex(16);
  std::string id;
  std::exception_ptr failure;  // cancellation included: the container must go either way
  try {
    id = co_await create_container(*daemon_, container_name, create_body(spec));
    co_await start_container(*daemon_, id);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    co_await boost::asio::this_coro::reset_cancellation_state();
    co_await discard(*daemon_, id.empty() ? container_name : id, id.empty() && create_may_be_pending(failure));
    std::rethrow_exception(failure);
  }
  co_return std::make_unique<docker_sandbox>(
      daemon_, docker_sandbox_config{.container_id = id, .workdir = spec.workdir, .copy_owner = runs_as_non_root(image.user)},
      std::move(ticket.running));
}

awaitable<std::unique_ptr<SandboxSession>> docker_driver::resume(const boost::json::object& data) {
  const auto id = detail::json_reader{data, "docker session state"}.required_string("container_id");
  const auto container = co_await inspect_container(*daemon_, id, "resume");
  if (!container.running)
    throw SandboxNotFoundError("The docker sandbox " + id.substr(0, 12) + " is no longer running (its lifetime ended)",
                               info("resume", {{"container", id}}));
  co_return std::make_unique<docker_sandbox>(
      daemon_,
      docker_sandbox_config{.container_id = container.id,
                            .workdir = container.working_dir.empty() ? "/" : container.working_dir,
                            .copy_owner = runs_as_non_root(container.user)},
      http::permit{});
}

awaitable<SweepReport> docker_driver::sweep() {
  SweepReport report;
  for (const auto& container : co_await list_labelled(*daemon_, detail::label_library, "sbx", "sweep")) {
    if (!detail::is_orphan(container.labels)) {
      ++report.kept;
      continue;
    }
    const auto slot = co_await daemon_->admission().admit_destroy();
    if (co_await remove_container(*daemon_, container.id, "sweep")) report.removed.push_back(container.id);
  }
  co_return report;
}

}  // namespace sbx::drivers::docker
