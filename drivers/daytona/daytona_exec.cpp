#include "drivers/daytona/daytona_exec.hpp"

#include "drivers/daytona/wire.hpp"
#include "exec_tag.hpp"
#include "guarded.hpp"
#include "log.hpp"
#include "owner_labels.hpp"

#include "process/concurrently.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sbx::drivers::daytona {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto first_poll = 20ms;
constexpr auto cleanup_bound = 15s;  // the most killing and cleaning up may take

asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
}

// The output files read so far.
struct output_reader {
  const toolbox_client& toolbox;
  const exec_files& files;
  const output_handler& on_output;
  std::size_t out_read = 0;
  std::size_t err_read = 0;

  // Hands what the files gained since the last call to on_output.
  asio::awaitable<void> drain() {
    co_await drain_one(files.out(), output_stream::std_out, out_read);
    co_await drain_one(files.err(), output_stream::std_err, err_read);
  }

  asio::awaitable<void> drain_one(const std::string& path, output_stream stream, std::size_t& read) {
    const auto more = co_await toolbox.download(path, read, true, "exec");
    if (more.empty()) co_return;
    read += more.size();
    on_output(stream, more);
  }
};

// Polls until the command has ended, delivering its output meanwhile; its exit code.
asio::awaitable<int> follow(const toolbox_client& toolbox, const std::string& session, const std::string& command_id,
                            output_reader& reader, std::chrono::milliseconds poll_interval) {
  auto delay = std::chrono::milliseconds(first_poll);
  for (;;) {
    const auto exit_code = co_await toolbox.command_exit(session, command_id, "exec");
    co_await reader.drain();
    if (exit_code) co_return *exit_code;
    co_await sleep_for(std::min(delay, poll_interval));
    delay *= 2;
  }
}

std::string kill_command_line(const std::string& tag) { return shell_join(detail::kill_tagged_command(tag)); }

// Kills the session's process group and everything carrying `tag`. Never throws.
asio::awaitable<void> kill_exec(const toolbox_client& toolbox, const std::string& session, const std::string& tag) {
  try {
    co_await toolbox.delete_session(session, "exec");
  } catch (const SandboxError& e) {
    detail::log(log_level::warning, std::string("daytona exec: deleting the session failed: ") + e.what());
  }
  try {
    co_await toolbox.execute(kill_command_line(tag), 10s, "exec");
  } catch (const SandboxError& e) {
    detail::log(log_level::warning, std::string("daytona exec: killing the command's processes failed: ") + e.what());
  }
}

// Removes the session (unless already done) and the scratch directory. Never throws.
asio::awaitable<void> clean_up(const toolbox_client& toolbox, const std::string& session, bool session_deleted,
                               const std::string& dir) {
  try {
    if (!session_deleted) co_await toolbox.delete_session(session, "exec");
    co_await toolbox.remove(dir, true, "exec");
  } catch (const SandboxError& e) {
    detail::log(log_level::debug, std::string("daytona exec: cleaning up failed: ") + e.what());
  }
}

// Awaits `operation` for at most cleanup_bound.
asio::awaitable<void> bounded(asio::awaitable<void> operation) {
  asio::steady_timer bound(co_await asio::this_coro::executor, cleanup_bound);
  co_await process::first_of(std::move(operation), bound.async_wait(asio::use_awaitable));
}

}  // namespace

asio::awaitable<ExecStatus> run_exec(const toolbox_client& toolbox, ExecRequest request, const std::string& scratch,
                                     std::chrono::milliseconds poll_interval) {
  const std::string tag = detail::random_hex(16);
  const std::string session = "sbx-" + tag;
  exec_files files{.dir = scratch + "/sbx-exec-" + tag, .input = "/dev/null"};
  request.env[detail::exec_tag_variable] = tag;
  if (request.stdin_data) files.input = files.dir + "/in";
  const auto command = exec_command_line(request.argv, request.env, request.cwd, files);

  output_reader reader{.toolbox = toolbox, .files = files, .on_output = request.on_output};
  bool started = false;
  int exit_code = 0;
  bool timed_out = false;
  std::exception_ptr failure;
  bool cancelled = false;
  auto run = [&]() -> asio::awaitable<void> {
    if (request.stdin_data) co_await toolbox.upload(files.input, std::move(*request.stdin_data), "exec");
    co_await toolbox.create_session(session, "exec");
    started = true;
    const auto command_id = co_await toolbox.start_command(session, command, "exec");
    exit_code = co_await follow(toolbox, session, command_id, reader, poll_interval);
  };
  try {
    if (request.timeout) {
      asio::steady_timer timer(co_await asio::this_coro::executor, *request.timeout);
      timed_out = co_await process::first_of(run(), timer.async_wait(asio::use_awaitable)) == 1;
    } else {
      co_await run();
    }
  } catch (const boost::system::system_error& e) {
    if (!detail::is_cancellation(e)) throw;
    cancelled = true;
    failure = std::current_exception();
  } catch (const SandboxError&) {
    failure = std::current_exception();
  }
  if (cancelled) co_await asio::this_coro::reset_cancellation_state();
  const bool kill = started && (timed_out || failure);
  if (kill) co_await bounded(kill_exec(toolbox, session, tag));
  if (timed_out) {
    try {
      co_await reader.drain();  // what the command wrote before it was killed
    } catch (const SandboxError& e) {
      detail::log(log_level::debug, std::string("daytona exec: reading the output after the timeout failed: ") + e.what());
    }
  }
  co_await bounded(clean_up(toolbox, session, kill, files.dir));
  if (failure) std::rethrow_exception(failure);
  if (timed_out) co_return ExecStatus{.exit_code = 124, .timed_out = true};
  co_return ExecStatus{.exit_code = exit_code};
}

}  // namespace sbx::drivers::daytona
