#include "drivers/docker/exec_runner.hpp"

#include "codecs/docker_frames.hpp"
#include "drivers/docker/execs.hpp"
#include "drivers/docker/requests.hpp"
#include "drivers/docker/sleep.hpp"
#include "drivers/docker/tree_kill.hpp"
#include "log.hpp"
#include "owner_labels.hpp"
#include "process/concurrently.hpp"

#include <boost/asio/this_coro.hpp>

namespace sbx::drivers::docker {
namespace {

namespace asio = boost::asio;

constexpr std::size_t read_chunk = 64 * 1024;

// Reads the multiplexed stream to its end, handing payloads to `on_output`.
awaitable<void> read_output(http::hijacked_stream& stream, const output_handler& on_output) {
  codecs::docker_frame_decoder decoder;
  std::string daemon_errors;
  std::string buffer(read_chunk, '\0');
  for (;;) {
    const auto n = co_await stream.read_some(asio::buffer(buffer));
    if (n == 0) break;
    std::string_view input(buffer.data(), n);
    while (const auto piece = decoder.next(input)) {
      switch (piece->stream) {
        case codecs::docker_stream::system_error: daemon_errors.append(piece->data); break;
        case codecs::docker_stream::std_err: on_output(output_stream::std_err, piece->data); break;
        case codecs::docker_stream::std_in:
        case codecs::docker_stream::std_out: on_output(output_stream::std_out, piece->data); break;
      }
    }
  }
  decoder.finish();
  if (!daemon_errors.empty())
    throw SandboxExecutionError("the Docker daemon reported an error during exec: " + daemon_errors.substr(0, 500),
                                {.backend = "docker", .op = "exec"});
}

// Writes the command's stdin, then shuts the write side down (EOF for the command).
awaitable<void> write_input(http::hijacked_stream& stream, const std::string& data) {
  try {
    if (!data.empty()) co_await stream.write(asio::buffer(data));
    stream.close_write();
  } catch (const SandboxConnectionError&) {
    // The command ended without reading all of its input; its output decides the result.
  }
}

awaitable<void> pump(http::hijacked_stream& stream, const ExecRequest& request) {
  if (request.stdin_data) {
    std::vector<awaitable<void>> both;
    both.push_back(read_output(stream, request.on_output));
    both.push_back(write_input(stream, *request.stdin_data));
    co_await process::all_of(std::move(both));
  } else {
    co_await read_output(stream, request.on_output);
  }
}


// Pumps the stream; true when request.timeout passed first.
awaitable<bool> pump_until_deadline(http::hijacked_stream& stream, const ExecRequest& request) {
  if (!request.timeout) {
    co_await pump(stream, request);
    co_return false;
  }
  co_return co_await process::first_of(pump(stream, request), sleep_for(*request.timeout)) == 1;
}

std::vector<std::string> wrapped(std::vector<std::string> argv) {
  std::vector<std::string> out{"/bin/sh", "-c", "exec \"$@\"", "sh"};
  out.insert(out.end(), std::make_move_iterator(argv.begin()), std::make_move_iterator(argv.end()));
  return out;
}

}  // namespace

awaitable<ExecStatus> run_exec(const engine& daemon, const std::string& container, ExecRequest request) {
  const std::string op = "exec";
  const auto token = detail::random_hex(32);
  auto env = request.env;
  env[exec_marker_variable] = token;
  const auto body = exec_create_body(wrapped(request.argv), env, request.cwd, request.stdin_data.has_value());
  const auto exec_id = co_await create_exec(daemon, container, body, op);

  http::hijacked_stream stream;
  bool timed_out = false;
  std::exception_ptr failure;  // cancellation included: the command is abandoned either way
  try {
    stream = co_await start_exec(daemon, exec_id, op);  // the command may run once this is sent
    timed_out = co_await pump_until_deadline(stream, request);
  } catch (...) {
    failure = std::current_exception();
  }
  if (timed_out || failure) {
    detail::log(log_level::debug, std::string("docker: exec ") + (timed_out ? "timed out" : "failed or was cancelled") +
                                      "; killing its processes");
    stream.close();
    co_await asio::this_coro::reset_cancellation_state();
    co_await kill_exec_tree(daemon, container, token);
    if (failure) std::rethrow_exception(failure);
    co_return ExecStatus{.exit_code = 124, .timed_out = true};
  }
  co_return ExecStatus{.exit_code = co_await exec_exit_code(daemon, exec_id, op)};
}

}  // namespace sbx::drivers::docker
