#include "drivers/tensorlake/tensorlake_exec.hpp"

#include "codecs/sse_decoder.hpp"
#include "drivers/tensorlake/exact_output.hpp"
#include "drivers/tensorlake/wire.hpp"
#include "exec_tag.hpp"
#include "guarded.hpp"
#include "log.hpp"
#include "owner_labels.hpp"
#include "process/concurrently.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

namespace sbx::drivers::tensorlake {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto server_grace = 5s;  // the sandbox's own deadline, after ours
constexpr auto kill_bound = 15s;   // the most a kill may take

[[noreturn]] void malformed(const std::string& what) {
  throw SandboxExecutionError("exec failed: malformed process stream (" + what + ")",
                              {.backend = "tensorlake", .op = "exec"});
}

// How a run stream ended.
struct stream_end {
  std::optional<int> exit_code;
  bool timed_out = false;  // the sandbox's own deadline killed the command
};

// Reads a run stream: the pid into `pid`, output lines through the decoders, the exit.
class run_reader {
 public:
  run_reader(const output_handler& on_output)
      : out_([&on_output](std::string_view b) { on_output(output_stream::std_out, b); }),
        err_([&on_output](std::string_view b) { on_output(output_stream::std_err, b); }) {}

  asio::awaitable<stream_end> read(http::streamed_response& stream, std::optional<int>& pid) {
    stream_end end;
    for (;;) {
      const auto chunk = co_await stream.next_chunk();
      if (!chunk) break;
      sse_.feed(*chunk);
      while (auto event = sse_.next()) handle(*event, pid, end);
    }
    sse_.finish();
    while (auto event = sse_.next()) handle(*event, pid, end);
    if (!end.exit_code) malformed("the stream ended without the command's exit");
    if (!out_.finish_complete() || !err_.finish_complete()) {
      // The wrapper always writes the sentinels before it exits: a missing one means
      // the wrapper was killed (exit 128 + signal; what is held is real output) or
      // output was lost on the way, which must not pass for a complete result.
      if (*end.exit_code < 128) malformed("the command's output ended before its sentinel; output was lost");
      interrupted();
    }
    co_return end;
  }

  // The command was stopped before the wrapper ended: what is held is real output.
  void interrupted() {
    out_.flush_interrupted();
    err_.flush_interrupted();
  }

 private:
  void handle(const codecs::sse_event& event, std::optional<int>& pid, stream_end& end) {
    run_event parsed;
    try {
      parsed = parse_run_event(event.data);
    } catch (const std::invalid_argument&) {
      return;  // a heartbeat or other frame that is no process event
    }
    try {
      switch (parsed.type) {
        case run_event::kind::start: pid = parsed.pid; break;
        case run_event::kind::output: (parsed.stream == output_stream::std_out ? out_ : err_).feed(parsed.line); break;
        case run_event::kind::exit:
          end.exit_code = parsed.exit_code;
          end.timed_out = parsed.timed_out;
          break;
        case run_event::kind::other: break;
      }
    } catch (const malformed_output& e) {
      malformed(e.what());
    }
  }

  codecs::sse_decoder sse_;
  line_decoder out_;
  line_decoder err_;
};

// Runs the kill script for `tag`, reading its stream to the end.
asio::awaitable<void> kill_tagged(const sandbox_api& api, const std::string& tag) {
  const auto body = run_request(detail::kill_tagged_command(tag), {}, {}, std::chrono::seconds(10), std::nullopt);
  auto stream = co_await api.run(body, "exec");
  co_await stream.read_all();
}

// Kills the command (by pid when known) and everything carrying its tag, and removes a
// stdin file it did not open. Never throws: failures are logged; gives up after
// kill_bound.
asio::awaitable<void> kill_exec(const sandbox_api& api, std::optional<int> pid, std::string tag,
                                std::string stdin_path) {
  auto kill = [&]() -> asio::awaitable<void> {
    try {
      if (pid) co_await api.kill_process(*pid);
    } catch (const SandboxError& e) {
      detail::log(log_level::warning, std::string("tensorlake exec: killing the process failed: ") + e.what());
    }
    try {
      co_await kill_tagged(api, tag);
      if (!stdin_path.empty()) co_await api.delete_file(stdin_path);
    } catch (const SandboxError& e) {
      detail::log(log_level::warning, std::string("tensorlake exec: killing the command's processes failed: ") + e.what());
    }
  };
  asio::steady_timer bound(co_await asio::this_coro::executor, kill_bound);
  co_await process::first_of(kill(), bound.async_wait(asio::use_awaitable));
}

std::optional<std::chrono::seconds> server_deadline(std::optional<std::chrono::milliseconds> timeout) {
  if (!timeout) return std::nullopt;
  return std::chrono::ceil<std::chrono::seconds>(*timeout + server_grace);
}

}  // namespace

asio::awaitable<ExecStatus> run_exec(const sandbox_api& api, ExecRequest request,
                                     const std::optional<std::string>& user, const std::string& scratch_dir) {
  const std::string tag = detail::random_hex(16);
  request.env[detail::exec_tag_variable] = tag;
  std::string stdin_path;
  if (request.stdin_data) {
    stdin_path = (scratch_dir == "/" ? "" : scratch_dir) + "/.sbx-stdin-" + tag;
    co_await api.write_file(stdin_path, std::move(*request.stdin_data));
  }
  const auto body =
      run_request(wrapped_command(request.argv, stdin_path), request.env, request.cwd, server_deadline(request.timeout), user);

  run_reader reader(request.on_output);
  std::optional<int> pid;
  std::optional<http::streamed_response> stream;
  stream_end end;
  bool timed_out = false;
  std::exception_ptr cancelled;
  auto run = [&]() -> asio::awaitable<void> {
    stream.emplace(co_await api.run(body, "exec"));
    end = co_await reader.read(*stream, pid);
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
  if (timed_out || end.timed_out || cancelled) {
    if (cancelled) co_await asio::this_coro::reset_cancellation_state();
    if (stream) stream->close();
    reader.interrupted();
    co_await kill_exec(api, pid, tag, stdin_path);
    if (cancelled) std::rethrow_exception(cancelled);
    co_return ExecStatus{.exit_code = 124, .timed_out = true};
  }
  co_return ExecStatus{.exit_code = *end.exit_code};
}

}  // namespace sbx::drivers::tensorlake
