#include "drivers/e2b/e2b_exec.hpp"

#include "drivers/e2b/e2b_errors.hpp"
#include "drivers/e2b/process_stream.hpp"
#include "drivers/e2b/wire.hpp"
#include "exec_tag.hpp"
#include "guarded.hpp"
#include "log.hpp"
#include "owner_labels.hpp"

#include "process/concurrently.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sbx::drivers::e2b {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

constexpr std::size_t input_chunk = 512 * 1024;
constexpr auto server_grace = 5s;   // envd's own deadline, after ours
constexpr auto kill_bound = 15s;    // the most a kill may take

json::object pid_selector(int pid) { return {{"process", {{"pid", pid}}}}; }

json::object kill_signal(int pid) {
  auto body = pid_selector(pid);
  body["signal"] = "SIGNAL_SIGKILL";
  return body;
}

json::object input_message(int pid, std::string_view bytes) {
  auto body = pid_selector(pid);
  body["input"] = json::object{{"stdin", connect::encode_base64(bytes)}};
  return body;
}

std::optional<bool> stdin_flag(const envd_client& envd, bool has_input) {
  if (!version_at_least(envd.target().envd_version, "0.3.0")) return std::nullopt;
  return has_input;
}

// How a stream ended.
struct stream_end {
  int exit_code = 0;
  bool deadline_exceeded = false;  // envd's own deadline ended the call
};

// Hands every output event to `on_output` until the stream ends.
asio::awaitable<stream_end> read_events(const envd_client& envd, process_stream& stream,
                                        const output_handler& on_output) {
  std::optional<int> exit_code;
  while (auto event = co_await stream.next()) {
    if (event->type == process_event::kind::output) on_output(event->stream, event->data);
    if (event->type == process_event::kind::end) exit_code = event->exit_code;
  }
  if (const auto& error = stream.error()) {
    if (error->code == "deadline_exceeded") co_return stream_end{.deadline_exceeded = true};
    throw_envd_error(*error, 200, "exec", {}, envd.secrets());
  }
  if (!exit_code)
    throw SandboxExecutionError("exec failed: envd ended the stream without the command's end",
                                {.backend = "e2b", .op = "exec"});
  co_return stream_end{.exit_code = *exit_code};
}

// True for the errors that mean the command stopped taking input (it exited or closed
// its stdin): the rest of the input is dropped, as a pipe to it would.
bool input_refused(const SandboxError& e) {
  const auto code = e.context().find("code");
  return code != e.context().end() && (code->second == "not_found" || code->second == "failed_precondition");
}

// Sends `data` to the command's stdin in pieces, then closes it.
asio::awaitable<void> feed_input(const envd_client& envd, int pid, std::string data) {
  bool refused = false;
  try {
    for (std::size_t at = 0; at < data.size(); at += input_chunk) {
      const auto piece = std::string_view(data).substr(at, input_chunk);
      co_await envd.call("process.Process/SendInput", input_message(pid, piece), false, "exec");
    }
    co_await envd.call("process.Process/CloseStdin", pid_selector(pid), true, "exec");
  } catch (const SandboxError& e) {
    if (!input_refused(e)) throw;
    refused = true;
  }
  if (refused) detail::log(log_level::debug, "e2b exec: the command stopped reading its input");
}

// Reads the stream from its first event on: the pid (recorded in `pid`), then the
// output and the end, feeding stdin meanwhile.
asio::awaitable<stream_end> consume(const envd_client& envd, process_stream& stream, ExecRequest& request,
                                    std::optional<int>& pid) {
  const auto first = co_await stream.next();
  if (!first || first->type != process_event::kind::start) {
    if (!first && stream.error()) throw_envd_error(*stream.error(), 200, "exec", {}, envd.secrets());
    throw SandboxExecutionError("exec failed: envd did not start the command", {.backend = "e2b", .op = "exec"});
  }
  pid = first->pid;
  if (request.stdin_data)
    co_return co_await (read_events(envd, stream, request.on_output) && feed_input(envd, *pid, std::move(*request.stdin_data)));
  if (!stdin_flag(envd, false)) co_await envd.call("process.Process/CloseStdin", pid_selector(*pid), true, "exec");
  co_return co_await read_events(envd, stream, request.on_output);
}

// Runs the kill script for `tag`, reading its stream to the end.
asio::awaitable<void> kill_tagged(const envd_client& envd, const std::string& tag) {
  auto body = start_request(detail::kill_tagged_command(tag), {}, {}, stdin_flag(envd, false));
  process_stream stream(co_await envd.start(body, 10s, "exec"));
  while (co_await stream.next()) {
  }
}

// Kills the command (by pid when known) and everything carrying its tag. Never throws:
// failures are logged, and it gives up after kill_bound.
asio::awaitable<void> kill_exec(const envd_client& envd, std::optional<int> pid, std::string tag) {
  auto kill = [&]() -> asio::awaitable<void> {
    try {
      if (pid) co_await envd.call("process.Process/SendSignal", kill_signal(*pid), true, "exec");
    } catch (const SandboxError& e) {
      if (!input_refused(e)) detail::log(log_level::warning, std::string("e2b exec: SendSignal failed: ") + e.what());
    }
    try {
      co_await kill_tagged(envd, tag);
    } catch (const SandboxError& e) {
      detail::log(log_level::warning, std::string("e2b exec: killing the command's processes failed: ") + e.what());
    }
  };
  asio::steady_timer bound(co_await asio::this_coro::executor, kill_bound);
  co_await process::first_of(kill(), bound.async_wait(asio::use_awaitable));
}

}  // namespace

asio::awaitable<ExecStatus> run_exec(const envd_client& envd, ExecRequest request) {
  const std::string tag = detail::random_hex(16);
  request.env[detail::exec_tag_variable] = tag;
  const auto body = start_request(request.argv, request.env, request.cwd, stdin_flag(envd, request.stdin_data.has_value()));
  std::optional<std::chrono::milliseconds> server_deadline;
  if (request.timeout) server_deadline = *request.timeout + server_grace;

  std::optional<int> pid;
  std::optional<process_stream> stream;
  stream_end end;
  bool timed_out = false;
  std::exception_ptr cancelled;
  auto run = [&]() -> asio::awaitable<void> {
    stream.emplace(co_await envd.start(body, server_deadline, "exec"));
    end = co_await consume(envd, *stream, request, pid);
  };
  try {
    if (request.timeout) {
      // The first to finish wins: the command's end (or its failure), or the timeout.
      asio::steady_timer timer(co_await asio::this_coro::executor, *request.timeout);
      timed_out = co_await process::first_of(run(), timer.async_wait(asio::use_awaitable)) == 1;
    } else {
      co_await run();
    }
  } catch (const boost::system::system_error& e) {
    if (!detail::is_cancellation(e)) throw;
    cancelled = std::current_exception();
  }
  if (timed_out || end.deadline_exceeded || cancelled) {
    if (cancelled) co_await asio::this_coro::reset_cancellation_state();
    if (stream) stream->close();
    co_await kill_exec(envd, pid, tag);
    if (cancelled) std::rethrow_exception(cancelled);
    co_return ExecStatus{.exit_code = 124, .timed_out = true};
  }
  co_return ExecStatus{.exit_code = end.exit_code};
}

}  // namespace sbx::drivers::e2b
