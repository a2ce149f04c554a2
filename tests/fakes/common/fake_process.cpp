#include "fakes/common/fake_process.hpp"

#include "process/concurrently.hpp"
#include "process/environment.hpp"
#include "process/spawn.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <csignal>
#include <span>
#include <stdexcept>

namespace sbx_fake {
namespace {

namespace asio = boost::asio;
using asio::posix::stream_descriptor;
namespace process = sbx::process;

constexpr std::size_t chunk_size = 32 * 1024;

int next_echo_pid() {
  static std::atomic<int> pid{100000};
  return ++pid;
}

process::environment base_environment(const runner_options& runner, const sandbox_paths& paths,
                                      const sbx::env_map& overlay) {
  process::environment env;
  process::set_variable(env, "PATH", runner.path_variable);
  process::set_variable(env, "HOME", paths.home());
  const auto user = paths.home().substr(paths.home().rfind('/') + 1);
  process::set_variable(env, "USER", user);
  process::set_variable(env, "LOGNAME", user);
  process::apply_overlay(env, overlay);
  return env;
}

std::string echo_output(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) out += (out.empty() ? "" : " ") + word;
  return out + "\n";
}

// Reads what the pipe holds right now, without waiting.
std::string read_available(stream_descriptor& pipe, std::span<char> buffer) {
  std::string out;
  boost::system::error_code ec;
  stream_descriptor::bytes_readable available;
  pipe.io_control(available, ec);
  for (std::size_t left = ec ? 0 : available.get(); left > 0 && !ec;) {
    const std::size_t n = pipe.read_some(asio::buffer(buffer.data(), std::min(left, buffer.size())), ec);
    out.append(buffer.data(), n);
    left -= std::min(left, n);
  }
  return out;
}

}  // namespace

std::vector<std::string> bwrap_command(const runner_options& runner, const sandbox_paths& paths,
                                       bool network, const std::string& cwd,
                                       const std::vector<std::string>& argv) {
  std::vector<std::string> out{runner.bwrap.string(), "--ro-bind", "/", "/"};
  const bool private_root = !paths.mounts().empty() && paths.mounts().back().sandbox_path == "/";
  if (private_root) {
    // A writable root of the sandbox's own, with the listed host directories over it.
    out = {runner.bwrap.string(), "--bind", paths.mounts().back().host_path.string(), "/"};
    for (const auto& dir : paths.host_dirs())
      if (std::filesystem::exists(dir)) out.insert(out.end(), {"--ro-bind", dir, dir});
  }
  out.insert(out.end(), {"--dev-bind", "/dev", "/dev"});
  for (auto it = paths.mounts().rbegin(); it != paths.mounts().rend(); ++it) {
    if (it->sandbox_path == "/") continue;
    // A tmpfs over the mount's parent hides the host's own entries there (e.g. /home).
    const auto parent = it->sandbox_path.substr(0, it->sandbox_path.rfind('/'));
    if (!parent.empty() && parent != "/") out.insert(out.end(), {"--tmpfs", parent});
    out.insert(out.end(), {"--bind", it->host_path.string(), it->sandbox_path});
  }
  if (!network) out.emplace_back("--unshare-net");
  out.insert(out.end(), {"--die-with-parent", "--chdir", cwd, "--", "/bin/sh", "-c", "exec \"$@\"", "sh"});
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::shared_ptr<fake_process> fake_process::start(asio::any_io_executor executor, const runner_options& runner,
                                                  const sandbox_paths& paths, bool network, command_spec spec,
                                                  std::shared_ptr<process::process_group_set> groups) {
  std::shared_ptr<fake_process> p(new fake_process());
  p->spec_ = std::move(spec);
  if (runner.echo) {
    p->pid_ = next_echo_pid();
    p->stdin_open_ = p->spec_.stdin_open;
    return p;
  }
  process::spawn_spec spawn{
      .argv = bwrap_command(runner, paths, network, p->spec_.cwd, p->spec_.argv),
      .env = base_environment(runner, paths, p->spec_.env),
      .cwd = paths.writable(paths.home())->string(),
      .groups = std::move(groups),
  };
  if (p->spec_.stdin_open) spawn.stdin_data = std::string();
  auto spawned = process::spawn(spawn);
  if (auto* failure = std::get_if<process::spawn_failure>(&spawned)) {
    p->pid_ = next_echo_pid();
    p->start_failure_ = failure->message;
    p->failure_code_ = failure->exit_code;
    return p;
  }
  auto& child = std::get<process::spawned_child>(spawned);
  p->pid_ = child.pid;
  p->child_.emplace(executor, std::move(child), spawn.groups);
  p->stdin_open_ = p->spec_.stdin_open;
  return p;
}

fake_process::~fake_process() = default;

awaitable<void> fake_process::write_stdin(std::string data) {
  auto turn = co_await stdin_lock_.acquire();
  if (!stdin_open_) throw std::runtime_error("stdin not enabled or closed");
  if (!child_) co_return;  // echo mode and failed starts swallow input
  const auto [ec, n] = co_await asio::async_write(child_->stdin_pipe(), asio::buffer(data),
                                                  asio::as_tuple(asio::deferred));
  if (ec && ec != asio::error::broken_pipe) throw std::runtime_error("writing stdin failed: " + ec.message());
}

void fake_process::close_stdin() {
  stdin_open_ = false;
  if (!child_) return;
  boost::system::error_code ignored;
  child_->stdin_pipe().close(ignored);
}

void fake_process::signal(int signo) {
  signal_ = signo;
  if (child_ && !child_->exit_code()) ::kill(pid_, signo);
}

awaitable<void> fake_process::pump(stream_descriptor& pipe, sbx::output_stream stream, std::span<char> buffer,
                                   const output_sink& sink) {
  for (;;) {
    if (exited_) {
      // Whatever was written before the exit; background children may keep the pipe
      // open, so nothing more is waited for.
      if (auto rest = read_available(pipe, buffer); !rest.empty()) co_await sink(stream, rest);
      break;
    }
    const auto [ec, n] = co_await pipe.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                                       asio::as_tuple(asio::deferred));
    if (n > 0) co_await sink(stream, {buffer.data(), n});
    if (ec == asio::error::operation_aborted && exited_) continue;  // woken by the exit
    if (ec) break;
  }
  boost::system::error_code ignored;
  pipe.close(ignored);
}

awaitable<void> fake_process::await_exit() {
  co_await child_->wait_exit();
  exited_ = true;
  boost::system::error_code ignored;
  child_->stdout_pipe().cancel(ignored);
  child_->stderr_pipe().cancel(ignored);
}

awaitable<process_exit> fake_process::run(output_sink sink) {
  if (!child_) {
    if (start_failure_) {
      co_await sink(sbx::output_stream::std_err, *start_failure_);
      co_return process_exit{.exit_code = failure_code_};
    }
    co_await sink(sbx::output_stream::std_out, echo_output(spec_.argv));
    co_return process_exit{.exit_code = signal_ ? 128 + signal_ : 0, .signal = signal_};
  }
  const std::unique_ptr<char[]> buffers(new char[2 * chunk_size]);
  std::vector<awaitable<void>> work;
  work.push_back(pump(child_->stdout_pipe(), sbx::output_stream::std_out, {buffers.get(), chunk_size}, sink));
  work.push_back(pump(child_->stderr_pipe(), sbx::output_stream::std_err,
                      {buffers.get() + chunk_size, chunk_size}, sink));
  // The exit of the main process ends the command; the pumps are woken rather than
  // cancelled, so that a chunk being written to the client is never cut.
  work.push_back(await_exit());
  co_await process::all_of(std::move(work));
  close_stdin();
  co_return process_exit{.exit_code = *child_->exit_code(), .signal = signal_};
}

}  // namespace sbx_fake
