#include "sbx/sandbox.hpp"

#include "dir_transfer.hpp"
#include "dropped_sandboxes.hpp"
#include "exec_collect.hpp"
#include "guarded.hpp"
#include "log.hpp"
#include "owner_labels.hpp"
#include "paths.hpp"
#include "resolve_options.hpp"
#include "run_code.hpp"
#include "sandbox_state.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace sbx {

using detail::guarded;
using detail::sandbox_state;

namespace {

using state_ptr = std::shared_ptr<sandbox_state>;

// Copies the handle's state so an operation keeps it alive even if the Sandbox object
// is moved or dropped while the operation is suspended.
state_ptr checked(const state_ptr& state) {
  if (!state) throw SandboxError("Sandbox handle is empty (moved from)");
  if (state->destroy_requested) throw SandboxError("Sandbox has been destroyed");
  return state;
}

std::string resolve(const sandbox_state& s, std::string_view path) {
  return detail::resolve_sandbox_path(s.session->workdir(), path);
}

ExecRequest make_request(const sandbox_state& s, std::vector<std::string> argv,
                         ExecOptions options) {
  if (argv.empty() || argv.front().empty())
    throw SandboxConfigurationError("exec needs a non-empty command",
                                    {.backend = s.backend, .op = "exec"});
  for (const auto& [name, value] : options.env)
    if (!detail::is_env_name(name))
      throw SandboxConfigurationError("invalid environment variable name",
                                      {.backend = s.backend, .op = "exec", .context = {{"env_var", name}}});
  ExecRequest request;
  request.argv = std::move(argv);
  request.env = std::move(options.env);
  request.cwd = options.cwd ? resolve(s, *options.cwd) : s.session->workdir();
  request.timeout = options.timeout ? options.timeout : s.default_exec_timeout;
  request.stdin_data = std::move(options.stdin_data);
  return request;
}

std::vector<std::string> shell_command(std::string command) {
  return {"/bin/sh", "-c", std::move(command)};
}

// Built outside coroutines: GCC 12 mishandles initializer lists in coroutine frames.
std::vector<std::string> run_code_command(const detail::code_runner& runner, const std::string& program) {
  return {"/bin/sh", "-c", detail::run_code_script(runner), "sbx-run-code", program};
}

awaitable<ExecResult> run_streaming(state_ptr s, ExecRequest request) {
  const auto started = std::chrono::steady_clock::now();
  const auto status = co_await guarded(s->backend, "exec", s->session->exec(std::move(request)));
  co_return ExecResult{.exit_code = status.exit_code,
                       .timed_out = status.timed_out,
                       .duration = std::chrono::steady_clock::now() - started};
}

}  // namespace

Sandbox::Sandbox(std::shared_ptr<sandbox_state> state) : state_(std::move(state)) {}
Sandbox::Sandbox(Sandbox&&) noexcept = default;

Sandbox& Sandbox::operator=(Sandbox&& other) noexcept {
  if (this != &other) {
    Sandbox dropped(std::move(*this));  // destroys our previous sandbox, if any
    state_ = std::move(other.state_);
  }
  return *this;
}

Sandbox::~Sandbox() {
  if (!state_ || state_->destroy_requested || !state_->session) return;
  state_->destroy_requested = true;
  boost::asio::co_spawn(
      state_->executor,
      // The token keeps the destroy counted for sbx::wait_for_dropped_sandboxes.
      [state = state_, token = detail::dropped_destroy_token()]() -> awaitable<void> {
        try {
          co_await state->session->destroy();
        } catch (const std::exception& e) {
          detail::log(log_level::warning, "background destroy of a dropped " + state->backend +
                                              " sandbox failed: " + e.what());
        }
      },
      boost::asio::detached);
}

sandbox_state& Sandbox::live() const { return *checked(state_); }

const std::string& Sandbox::backend_name() const { return checked(state_)->backend; }
const std::string& Sandbox::id() const { return live().session->id(); }
const std::string& Sandbox::workdir() const { return live().session->workdir(); }
bool Sandbox::is_alive() const { return state_ && !state_->destroy_requested; }
SandboxSession& Sandbox::session() { return *live().session; }

awaitable<ExecResult> Sandbox::exec(std::string command, ExecOptions options) {
  return exec(argv(shell_command(std::move(command))), std::move(options));
}

awaitable<ExecResult> Sandbox::exec(argv command, ExecOptions options) {
  const auto s = checked(state_);
  const auto max_output = options.max_output_bytes;
  auto request = make_request(*s, std::move(command.args), std::move(options));
  co_return co_await guarded(s->backend, "exec", detail::exec_collect(*s->session, std::move(request), max_output));
}

awaitable<ExecResult> Sandbox::exec_stream(std::string command, output_handler on_output,
                                           ExecOptions options) {
  return exec_stream(argv(shell_command(std::move(command))), std::move(on_output),
                     std::move(options));
}

awaitable<ExecResult> Sandbox::exec_stream(argv command, output_handler on_output,
                                           ExecOptions options) {
  const auto s = checked(state_);
  if (!on_output)
    throw SandboxConfigurationError("exec_stream needs an output handler",
                                    {.backend = s->backend, .op = "exec_stream"});
  auto request = make_request(*s, std::move(command.args), std::move(options));
  request.on_output = std::move(on_output);
  co_return co_await run_streaming(s, std::move(request));
}

awaitable<ExecResult> Sandbox::run_code(std::string code, std::string language,
                                        ExecOptions options) {
  const auto s = checked(state_);
  const auto runner = detail::runner_for(language);
  const auto program = s->session->scratch_dir() + "/sbx-code-" + detail::random_hex(16) +
                       runner.extension;
  co_await guarded(s->backend, "run_code", s->session->write_file(program, std::move(code)));
  const auto max_output = options.max_output_bytes;
  auto request = make_request(*s, run_code_command(runner, program), std::move(options));
  auto result = co_await guarded(s->backend, "run_code",
                                 detail::exec_collect(*s->session, std::move(request), max_output));
  if (result.exit_code == 127 && result.std_err.starts_with(detail::missing_interpreter_marker)) {
    auto line = result.std_err.substr(0, result.std_err.find('\n'));
    throw SandboxExecutionError(
        "run_code: " + line.substr(std::string_view("sbx: ").size()) + " in the sandbox",
        {.backend = s->backend, .op = "run_code", .context = {{"language", runner.language}}});
  }
  co_return result;
}

awaitable<std::vector<FileInfo>> Sandbox::list_files(std::string path) {
  const auto s = checked(state_);
  auto entries = co_await guarded(s->backend, "list_files", s->session->list_files(resolve(*s, path)));
  std::sort(entries.begin(), entries.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  co_return entries;
}

awaitable<std::string> Sandbox::read_file(std::string path) {
  const auto s = checked(state_);
  co_return co_await guarded(s->backend, "read_file", s->session->read_file(resolve(*s, path)));
}

awaitable<void> Sandbox::write_file(std::string path, std::string content) {
  const auto s = checked(state_);
  co_await guarded(s->backend, "write_file", s->session->write_file(resolve(*s, path), std::move(content)));
}

awaitable<void> Sandbox::upload_file(std::filesystem::path local_path, std::string remote_path) {
  const auto s = checked(state_);
  if (!std::filesystem::is_regular_file(local_path))
    throw SandboxNotFoundError("upload_file: no such local file",
                               {.backend = s->backend, .op = "upload_file",
                                .context = {{"local_path", local_path.string()}}});
  co_await guarded(s->backend, "upload_file",
                   s->session->upload_file(std::move(local_path), resolve(*s, remote_path)));
}

awaitable<void> Sandbox::download_file(std::string remote_path, std::filesystem::path local_path) {
  const auto s = checked(state_);
  co_await guarded(s->backend, "download_file",
                   s->session->download_file(resolve(*s, remote_path), std::move(local_path)));
}

awaitable<std::size_t> Sandbox::upload_dir(std::filesystem::path local_dir, std::string remote_dir,
                                           transfer_method method) {
  const auto s = checked(state_);
  co_return co_await guarded<WorkspaceError>(
      s->backend, "upload_dir",
      detail::upload_dir(*s, std::move(local_dir), resolve(*s, remote_dir), method));
}

awaitable<std::size_t> Sandbox::download_dir(std::string remote_dir, std::filesystem::path local_dir,
                                             transfer_method method) {
  const auto s = checked(state_);
  co_return co_await guarded<WorkspaceError>(
      s->backend, "download_dir",
      detail::download_dir(*s, resolve(*s, remote_dir), std::move(local_dir), method));
}

awaitable<SnapshotInfo> Sandbox::snapshot() {
  const auto s = checked(state_);
  co_return co_await guarded(s->backend, "snapshot", s->session->snapshot());
}

SessionState Sandbox::session_state() const {
  const auto& s = live();
  return {s.backend, s.session->session_data()};
}

awaitable<void> Sandbox::destroy() {
  const auto s = state_;
  if (!s || s->destroy_requested) co_return;
  s->destroy_requested = true;
  try {
    co_await guarded(s->backend, "destroy", s->session->destroy());
  } catch (...) {
    s->destroy_requested = false;  // a failed destroy may be retried
    throw;
  }
}

}  // namespace sbx
