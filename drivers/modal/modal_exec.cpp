#include "drivers/modal/modal_exec.hpp"

#include "exec_tag.hpp"
#include "guarded.hpp"
#include "log.hpp"
#include "owner_labels.hpp"
#include "process/concurrently.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sbx::drivers::modal {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::size_t input_chunk = 1024 * 1024;
constexpr auto server_grace = 5s;  // the router's own timeout, after ours
constexpr auto kill_bound = 15s;   // the most a kill may take
constexpr int stream_reopens = 5;  // reopens of one broken output stream

router::TaskExecStdinWriteRequest input_piece(const std::string& task_id, const std::string& exec_id,
                                              std::uint64_t offset, std::string_view data, bool eof) {
  router::TaskExecStdinWriteRequest r;
  r.set_task_id(task_id);
  r.set_exec_id(exec_id);
  r.set_offset(offset);
  r.set_data(std::string(data));
  r.set_eof(eof);
  return r;
}

router::TaskExecStdioReadRequest read_request(const std::string& task_id, const std::string& exec_id,
                                              std::uint64_t offset, output_stream stream) {
  router::TaskExecStdioReadRequest r;
  r.set_task_id(task_id);
  r.set_exec_id(exec_id);
  r.set_offset(offset);
  r.set_file_descriptor(stream == output_stream::std_out ? router::TASK_EXEC_STDIO_FILE_DESCRIPTOR_STDOUT
                                                         : router::TASK_EXEC_STDIO_FILE_DESCRIPTOR_STDERR);
  return r;
}

// Sends `data` as stdin in pieces, then EOF (always: a command never waits for input
// that will not come).
asio::awaitable<void> feed_input(const router_client& router, const std::string& task_id, const std::string& exec_id,
                                 std::string data) {
  std::uint64_t offset = 0;
  for (std::size_t at = 0; at < data.size(); at += input_chunk) {
    const auto piece = std::string_view(data).substr(at, input_chunk);
    const bool last = at + piece.size() >= data.size();
    co_await router.stdin_write(input_piece(task_id, exec_id, offset, piece, last), "exec");
    offset += piece.size();
  }
  if (data.empty()) co_await router.stdin_write(input_piece(task_id, exec_id, 0, {}, true), "exec");
}

// Hands one output stream to `on_output` until it ends, reopening it where it broke.
asio::awaitable<void> read_output(const router_client& router, const std::string& task_id, const std::string& exec_id,
                                  output_stream which, const output_handler& on_output) {
  const auto executor = co_await asio::this_coro::executor;
  std::uint64_t offset = 0;
  for (int reopened = 0;; ++reopened) {
    auto stream = router.stdio_read(executor, read_request(task_id, exec_id, offset, which));
    router::TaskExecStdioReadResponse message;
    while (co_await stream.next(message)) {
      offset += message.data().size();
      if (!message.data().empty()) on_output(which, message.data());
    }
    const auto& status = stream.status();
    if (status.ok()) co_return;
    if (reopened >= stream_reopens || !retryable_code(status.error_code()))
      throw_status(status, "exec", "TaskExecStdioRead", router.secrets());
    detail::log(log_level::debug, "modal exec: output stream broke; reopening at byte " + std::to_string(offset));
  }
}

// Runs the kill script for `tag` and waits for it.
asio::awaitable<void> kill_tagged(const router_client& router, const std::string& task_id, const std::string& tag) {
  const auto exec_id = new_exec_id();
  co_await router.exec_start(
      exec_start_request(task_id, exec_id, detail::kill_tagged_command(tag), {}, {}, 10s, server_grace), "exec");
  co_await feed_input(router, task_id, exec_id, {});
  co_await router.exec_wait(task_id, exec_id, "exec");
}

// Kills everything carrying `tag`. Never throws: failures are logged, and it gives up
// after kill_bound.
asio::awaitable<void> kill_exec(const router_client& router, const std::string& task_id, const std::string& tag) {
  auto kill = [&]() -> asio::awaitable<void> {
    try {
      co_await kill_tagged(router, task_id, tag);
    } catch (const SandboxError& e) {
      detail::log(log_level::warning, std::string("modal exec: killing the command's processes failed: ") + e.what());
    }
  };
  asio::steady_timer bound(co_await asio::this_coro::executor, kill_bound);
  co_await process::first_of(kill(), bound.async_wait(asio::use_awaitable));
}

}  // namespace

asio::awaitable<ExecStatus> run_exec(const router_client& router, const std::string& task_id, ExecRequest request) {
  const std::string tag = detail::random_hex(16);
  request.env[detail::exec_tag_variable] = tag;
  const auto exec_id = new_exec_id();
  auto start = exec_start_request(task_id, exec_id, request.argv, request.env, request.cwd, request.timeout, server_grace);

  int exit_code = 0;
  bool timed_out = false;
  std::exception_ptr cancelled;
  auto run = [&]() -> asio::awaitable<void> {
    co_await router.exec_start(std::move(start), "exec");
    std::vector<asio::awaitable<void>> parts;
    parts.push_back(feed_input(router, task_id, exec_id, request.stdin_data.value_or(std::string())));
    parts.push_back(read_output(router, task_id, exec_id, output_stream::std_out, request.on_output));
    parts.push_back(read_output(router, task_id, exec_id, output_stream::std_err, request.on_output));
    co_await process::all_of(std::move(parts));
    exit_code = co_await router.exec_wait(task_id, exec_id, "exec");
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
    cancelled = std::current_exception();
  }
  if (timed_out || cancelled) {
    if (cancelled) co_await asio::this_coro::reset_cancellation_state();
    co_await kill_exec(router, task_id, tag);
    if (cancelled) std::rethrow_exception(cancelled);
    co_return ExecStatus{.exit_code = 124, .timed_out = true};
  }
  co_return ExecStatus{.exit_code = exit_code};
}

}  // namespace sbx::drivers::modal
