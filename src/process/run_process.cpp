#include "process/run_process.hpp"

#include "process/child_process.hpp"
#include "process/concurrently.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <vector>

namespace sbx::process {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::posix::stream_descriptor;

// Read sizes per stream: small until a read fills it, then half a pipe's default
// capacity. Most commands print little, so 1000 of them in flight hold 2 MB of
// buffers instead of 64 MB that the heap would have to grow into (and fault in).
constexpr std::size_t small_chunk = 1024;
constexpr std::size_t large_chunk = 32 * 1024;

// One stream's read buffer.
class read_buffer {
 public:
  std::span<char> space() noexcept { return large_ ? std::span(large_.get(), large_chunk) : std::span(small_); }
  // After a read of `n` bytes: a full small buffer means more output is coming fast.
  void filled(std::size_t n) {
    if (!large_ && n == small_.size()) large_.reset(new char[large_chunk]);
  }

 private:
  std::array<char, small_chunk> small_;
  std::unique_ptr<char[]> large_;
};

// How long a command may run before its exit is watched by more than its output ending.
constexpr std::chrono::milliseconds exit_watch_patience{20};

// Hands everything `pipe` yields to `on_output` until EOF, then closes it.
awaitable<void> pump(stream_descriptor& pipe, output_stream stream, read_buffer& buffer,
                     const output_handler& on_output) {
  for (;;) {
    const auto space = buffer.space();
    const auto [ec, n] = co_await pipe.async_read_some(asio::buffer(space.data(), space.size()),
                                                       asio::as_tuple(asio::deferred));
    if (n > 0) on_output(stream, {space.data(), n});
    buffer.filled(n);
    if (ec == asio::error::eof) break;
    if (ec == asio::error::operation_aborted) co_return;  // the exit came first: drain() reads the rest
    if (ec) throw boost::system::system_error(ec, "read child output");
  }
  pipe.close();
}

// Writes `data` to the child's stdin, then closes it (EOF). A child that stops
// reading (EPIPE) simply ends the input.
awaitable<void> feed(stream_descriptor& pipe, std::string_view data) {
  co_await asio::async_write(pipe, asio::buffer(data), asio::as_tuple(asio::deferred));
  pipe.close();
}

// Delivers what the pipe holds right now, without waiting for more, then closes it.
// Only the bytes present on entry are read: a background process that keeps writing
// cannot hold the caller here.
void drain(stream_descriptor& pipe, output_stream stream, read_buffer& buffer, const output_handler& on_output) {
  if (!pipe.is_open()) return;
  const auto space = buffer.space();
  boost::system::error_code ec;
  stream_descriptor::bytes_readable available;
  pipe.io_control(available, ec);
  for (std::size_t left = ec ? 0 : available.get(); left > 0 && !ec;) {
    const std::size_t n = pipe.read_some(asio::buffer(space.data(), std::min(left, space.size())), ec);
    if (n > 0) on_output(stream, {space.data(), n});
    left -= std::min(left, n);
  }
  pipe.close(ec);
}

// Waits for the child's exit, but only once `patience` has passed. Most commands'
// output ends with their exit well within it, and this wait is then cancelled before
// it has set up an exit watch (see exit_watcher). Cancellation: ends quietly while
// patient, throws operation_aborted once waiting for the exit.
awaitable<void> exit_after(child_process& child, std::chrono::milliseconds patience) {
  asio::steady_timer timer(co_await asio::this_coro::executor, patience);
  co_await expiry(timer);
  if ((co_await asio::this_coro::cancellation_state).cancelled() == asio::cancellation_type::none) {
    co_await child.wait_exit();
  }
}

// Streams the child's output (and feeds its input) until the child exits.
awaitable<void> supervise(child_process& child, const spawn_spec& spec, read_buffer& out_buffer,
                          read_buffer& err_buffer, const output_handler& on_output) {
  std::vector<awaitable<void>> io;
  io.push_back(pump(child.stdout_pipe(), output_stream::std_out, out_buffer, on_output));
  io.push_back(pump(child.stderr_pipe(), output_stream::std_err, err_buffer, on_output));
  if (spec.stdin_data) io.push_back(feed(child.stdin_pipe(), *spec.stdin_data));
  // Output may end before the exit (the child closed its stdout) or after it (a
  // background process holds the pipes): the exit is what ends the command. A
  // background process holding the pipes delays noticing an exit by up to the
  // patience.
  if (co_await first_of(all_of(std::move(io)), exit_after(child, exit_watch_patience)) == 0) {
    co_await child.wait_exit();
  }
}

}  // namespace

awaitable<process_result> run_process(spawn_spec spec, output_handler on_output,
                                      std::optional<std::chrono::milliseconds> timeout) {
  const auto executor = co_await asio::this_coro::executor;
  auto spawned = spawn(spec);
  if (auto* failure = std::get_if<spawn_failure>(&spawned)) {
    on_output(output_stream::std_err, failure->message);
    co_return process_result{.exit_code = failure->exit_code};
  }
  child_process child(executor, std::move(std::get<spawned_child>(spawned)), spec.groups);

  read_buffer out_buffer;
  read_buffer err_buffer;

  bool timed_out = false;
  if (timeout) {
    asio::steady_timer timer(executor, *timeout);
    timed_out = co_await first_of(supervise(child, spec, out_buffer, err_buffer, on_output),
                                  expiry(timer)) == 1;
  } else {
    co_await supervise(child, spec, out_buffer, err_buffer, on_output);
  }
  if (timed_out) {
    child.kill_group();
    co_await child.wait_exit();
  }
  drain(child.stdout_pipe(), output_stream::std_out, out_buffer, on_output);
  drain(child.stderr_pipe(), output_stream::std_err, err_buffer, on_output);
  co_return process_result{.exit_code = timed_out ? 124 : *child.exit_code(), .timed_out = timed_out};
}

}  // namespace sbx::process
