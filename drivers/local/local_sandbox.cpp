#include "drivers/local/local_sandbox.hpp"

#include "drivers/local/host_files.hpp"
#include "drivers/local/sandbox_layout.hpp"
#include "log.hpp"
#include "owner_labels.hpp"
#include "process/process_group.hpp"
#include "process/run_process.hpp"
#include "sbx/errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <mutex>

namespace sbx::drivers::local {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

}  // namespace

struct local_sandbox::state {
  state(asio::any_io_executor executor, local_sandbox_config config,
        std::shared_ptr<const process::environment> host_env, std::shared_ptr<spare_pool> spares,
        std::shared_ptr<const local_flavor> flavor)
      : config(std::move(config)),
        scratch(this->config.paths.tmp().string()),
        host_env(std::move(host_env)),
        spares(std::move(spares)),
        flavor(std::move(flavor)),
        lifetime(std::move(executor)) {}

  // What one command's environment sets on top of the host's: see local_sandbox.
  process::environment command_environment(const env_map& overlay) const {
    process::environment env;
    process::apply_overlay(env, config.env_vars);
    process::set_variable(env, "HOME", config.workdir);
    process::set_variable(env, "TMPDIR", scratch);
    process::set_variable(env, "SANDBOX_ROOT", config.workdir);
    process::apply_overlay(env, overlay);
    return env;
  }

  // "local", or the flavor's name (bwrap, safehouse): the backend errors name.
  std::string backend() const { return flavor ? flavor->name : "local"; }

  error_info info(const char* op, error_context context = {}) const {
    return {.backend = backend(), .op = op, .context = std::move(context)};
  }

  // Runs a host file operation; its std::system_error becomes the sbx error of `op`:
  // SandboxNotFoundError for a missing path, SandboxExecutionError otherwise.
  template <class F>
  auto on_host(const char* op, error_context context, F&& operation) const {
    try {
      return operation();
    } catch (const std::system_error& e) {
      const std::string message = std::string(op) + " failed: " + e.code().message();
      if (e.code() == std::errc::no_such_file_or_directory || e.code() == std::errc::not_a_directory) {
        throw SandboxNotFoundError(message, info(op, std::move(context)));
      }
      throw SandboxExecutionError(message, info(op, std::move(context)));
    }
  }

  void require_alive(const char* op) const {
    if (ended) {
      throw SandboxNotFoundError(
          "The " + backend() + " sandbox " + config.paths.id + " is gone (destroyed or its lifetime ended)", info(op));
    }
  }

  // Kills what the sandbox started and removes its files. Idempotent; throws
  // std::system_error when they cannot be removed.
  void end() {
    const std::lock_guard lock(end_mutex);
    if (ended) return;
    lifetime.cancel();
    groups->kill_all();
    if (const auto ec = remove_sandbox(config.paths, spares.get())) throw std::system_error(ec, config.paths.id);
    ended = true;
  }

  const local_sandbox_config config;
  const std::string scratch;
  const std::shared_ptr<const process::environment> host_env;
  const std::shared_ptr<spare_pool> spares;
  const std::shared_ptr<const local_flavor> flavor;
  const std::shared_ptr<process::process_group_set> groups = std::make_shared<process::process_group_set>();
  asio::steady_timer lifetime;
  std::mutex end_mutex;
  std::atomic<bool> ended = false;
};

local_sandbox::local_sandbox(asio::any_io_executor executor, local_sandbox_config config,
                             std::shared_ptr<const process::environment> host_env,
                             std::shared_ptr<spare_pool> spares, std::shared_ptr<const local_flavor> flavor)
    : state_(std::make_shared<state>(std::move(executor), std::move(config), std::move(host_env),
                                     std::move(spares), std::move(flavor))) {
  const auto& deadline = state_->config.deadline;
  if (!deadline) return;
  state_->lifetime.expires_after(*deadline - std::chrono::system_clock::now());
  state_->lifetime.async_wait([weak = std::weak_ptr(state_)](boost::system::error_code ec) {
    const auto state = weak.lock();
    if (ec || !state) return;
    try {
      state->end();
    } catch (const std::exception& e) {
      detail::log(log_level::warning, "local sandbox " + state->config.paths.id + ": end of lifetime: " + e.what());
    }
  });
}

local_sandbox::~local_sandbox() = default;

const std::string& local_sandbox::id() const { return state_->config.paths.id; }

const std::string& local_sandbox::workdir() const { return state_->config.workdir; }

const std::string& local_sandbox::scratch_dir() const { return state_->scratch; }

awaitable<ExecStatus> local_sandbox::exec(ExecRequest request) {
  const auto state = state_;  // the command may outlive this session object
  state->require_alive("exec");
  process::spawn_spec spec{
      .argv = std::move(request.argv),
      .env = state->command_environment(request.env),
      .cwd = request.cwd.empty() ? state->config.workdir : std::move(request.cwd),
      .stdin_data = std::move(request.stdin_data),
      .groups = state->groups,
      .base_env = state->host_env,
  };
  if (state->flavor && state->flavor->wrap) state->flavor->wrap(spec, state->config);
  try {
    const auto result = co_await process::run_process(std::move(spec), std::move(request.on_output),
                                                      request.timeout);
    co_return ExecStatus{.exit_code = result.exit_code, .timed_out = result.timed_out};
  } catch (const boost::system::system_error& e) {
    if (e.code() == asio::error::operation_aborted) throw;
    throw SandboxExecutionError("exec failed: " + e.code().message(), state->info("exec"));
  }
}

awaitable<std::vector<FileInfo>> local_sandbox::list_files(std::string path) {
  state_->require_alive("list_files");
  co_return state_->on_host("list_files", {{"path", path}}, [&] {
    const auto status = fs::status(path);
    if (status.type() == fs::file_type::not_found) {
      throw std::system_error(std::make_error_code(std::errc::no_such_file_or_directory));
    }
    if (!fs::is_directory(status)) {
      throw SandboxExecutionError("list_files failed: not a directory",
                                  state_->info("list_files", {{"path", path}}));
    }
    return list_host_dir(path);
  });
}

awaitable<std::string> local_sandbox::read_file(std::string path) {
  state_->require_alive("read_file");
  co_return state_->on_host("read_file", {{"path", path}}, [&] { return read_host_file(path); });
}

awaitable<void> local_sandbox::write_file(std::string path, std::string content) {
  state_->require_alive("write_file");
  state_->on_host("write_file", {{"path", path}}, [&] { write_host_file(path, content); });
  co_return;
}

awaitable<void> local_sandbox::upload_file(fs::path local, std::string remote) {
  state_->require_alive("upload_file");
  state_->on_host("upload_file", {{"local_path", local.string()}, {"path", remote}},
          [&] { copy_host_file(local, remote); });
  co_return;
}

awaitable<void> local_sandbox::download_file(std::string remote, fs::path local) {
  state_->require_alive("download_file");
  state_->on_host("download_file", {{"path", remote}, {"local_path", local.string()}},
          [&] { copy_host_file(remote, local); });
  co_return;
}

boost::json::object local_sandbox::session_data() const {
  const auto& config = state_->config;
  boost::json::object env_vars;
  for (const auto& [name, value] : config.env_vars) env_vars[name] = value;
  return {
      {"base", config.paths.base.string()},
      {"id", config.paths.id},
      {"workdir", config.workdir},
      {"owns_workdir", config.workdir == config.paths.own_workdir().string()},
      {"env_vars", std::move(env_vars)},
      {"deadline", config.deadline ? boost::json::value(detail::format_utc(*config.deadline))
                                   : boost::json::value()},
      {"settings", config.settings},
  };
}

awaitable<void> local_sandbox::destroy() {
  try {
    state_->end();
  } catch (const std::system_error& e) {
    throw SandboxExecutionError("destroy failed: " + e.code().message(),
                                state_->info("destroy", {{"id", state_->config.paths.id}}));
  }
  co_return;
}

bool local_sandbox::destroyed() const { return state_->ended; }

}  // namespace sbx::drivers::local
