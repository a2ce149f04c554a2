// envd's process service: Start streams a command's events (start, data, keepalive,
// end) as Connect envelopes; SendSignal, SendInput, CloseStdin and List act on running
// commands by pid. As on envd, a command outlives a client that disconnects, a signal
// reaches the main process only, and Connect-Timeout-Ms kills it at the deadline.
#include "fakes/e2b/e2b_envd.hpp"

#include "codecs/connect_envelope.hpp"
#include "process/concurrently.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <csignal>

namespace sbx_fake::e2b {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace connect = sbx::connect;
using state_ptr = std::shared_ptr<e2b_state>;
using std::chrono::steady_clock;

// The envelope of a StartResponse carrying `event`.
std::string envelope_of(json::object event) {
  return connect::make_envelope(json::serialize(json::object{{"event", std::move(event)}}));
}

// Writes a Start response: envelopes in order, one writer at a time. A client that
// went away makes later writes no-ops, so the command runs on undisturbed.
class event_writer {
 public:
  explicit event_writer(exchange& ex) : ex_(ex) {}

  awaitable<void> event(json::object event) { co_await send(envelope_of(std::move(event))); }

  awaitable<void> finish(const std::optional<connect::error>& error) {
    co_await send(connect::make_envelope(connect::end_stream_json(error), connect::flag_end_stream));
    auto turn = co_await lock_.acquire();
    if (broken_) co_return;
    try {
      co_await ex_.end_chunked();
    } catch (const boost::system::system_error&) {
      broken_ = true;
    }
  }

  steady_clock::time_point last_write() const noexcept { return last_write_; }

 private:
  awaitable<void> send(std::string envelope) {
    auto turn = co_await lock_.acquire();
    if (broken_) co_return;
    try {
      co_await ex_.write_chunk(envelope);
      last_write_ = steady_clock::now();
    } catch (const boost::system::system_error&) {
      broken_ = true;
    }
  }

  exchange& ex_;
  sbx::http::async_semaphore lock_{1};
  bool broken_ = false;
  steady_clock::time_point last_write_ = steady_clock::now();
};

std::optional<std::chrono::milliseconds> header_number(const exchange& ex, std::string_view name,
                                                       std::chrono::milliseconds unit) {
  const auto text = ex.header(name);
  long long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || value <= 0) return std::nullopt;
  return unit * value;
}

std::string string_of(const json::object& object, std::string_view key) {
  const auto* v = object.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The StartRequest of an envelope body, as a command to run. Throws connect::error
// text through the returned optional error instead of starting anything.
struct start_request {
  command_spec spec;
  std::optional<connect::error> error;
};

start_request parse_start(const fake_sandbox& sandbox, std::string& body) {
  start_request out;
  json::object request;
  try {
    connect::envelope_decoder decoder;
    decoder.feed(body);
    const auto message = decoder.next();
    if (!message) throw connect::protocol_error("the request holds no complete envelope");
    boost::system::error_code ec;
    auto value = json::parse(message->payload, ec);
    if (ec || !value.is_object()) throw connect::protocol_error("the request message is not a JSON object");
    request = std::move(value.as_object());
  } catch (const connect::protocol_error& e) {
    out.error = connect::error{.code = "invalid_argument", .message = e.what()};
    return out;
  }
  const auto* process = request.if_contains("process");
  if (!process || !process->is_object() || string_of(process->as_object(), "cmd").empty()) {
    out.error = connect::error{.code = "invalid_argument", .message = "process.cmd is required"};
    return out;
  }
  if (request.contains("pty")) {
    out.error = connect::error{.code = "unimplemented", .message = "the fake does not allocate PTYs"};
    return out;
  }
  const auto& config = process->as_object();
  out.spec.argv.push_back(string_of(config, "cmd"));
  if (const auto* args = config.if_contains("args"); args && args->is_array())
    for (const auto& a : args->as_array()) out.spec.argv.emplace_back(a.is_string() ? a.as_string() : "");
  if (const auto* envs = config.if_contains("envs"); envs && envs->is_object())
    for (const auto& [k, v] : envs->as_object()) out.spec.env[k] = v.is_string() ? std::string(v.as_string()) : "";
  const auto cwd = string_of(config, "cwd");
  out.spec.cwd = sandbox.paths().resolve(cwd);
  std::error_code ec;
  if (!std::filesystem::is_directory(sandbox.paths().readable(out.spec.cwd), ec)) {
    out.error = connect::error{.code = "invalid_argument", .message = "cwd '" + out.spec.cwd + "' does not exist"};
    return out;
  }
  const auto* stdin_flag = request.if_contains("stdin");
  out.spec.stdin_open = !stdin_flag || (stdin_flag->is_bool() && stdin_flag->as_bool());
  return out;
}

// The events of a Start stream (the value of StartResponse.event).
json::object start_event(int pid) { return {{"start", {{"pid", pid}}}}; }
json::object keepalive_event() { return {{"keepalive", json::object()}}; }

json::object data_event(sbx::output_stream stream, std::string_view chunk) {
  const char* key = stream == sbx::output_stream::std_out ? "stdout" : "stderr";
  return {{"data", {{key, connect::encode_base64(chunk)}}}};
}

// The `end` event the way envd derives it from Go's os.ProcessState.
json::object end_event(const process_exit& exit) {
  json::object end;
  if (exit.signal != 0) {
    const std::string status = exit.signal == SIGTERM ? "signal: terminated" : "signal: killed";
    end["exitCode"] = -1;
    end["status"] = status;
    end["error"] = status;
  } else {
    const auto status = "exit status " + std::to_string(exit.exit_code);
    if (exit.exit_code != 0) {
      end["exitCode"] = exit.exit_code;
      end["error"] = status;
    }
    end["exited"] = true;
    end["status"] = status;
  }
  return {{"end", std::move(end)}};
}

awaitable<void> wait_forever() {
  asio::steady_timer timer(co_await asio::this_coro::executor, steady_clock::time_point::max());
  co_await timer.async_wait(asio::use_awaitable);
}

// Kills the command at the Connect deadline, then waits to be cancelled.
awaitable<void> deadline_watch(std::optional<std::chrono::milliseconds> timeout, fake_process& process,
                               bool& expired) {
  if (timeout) {
    asio::steady_timer timer(co_await asio::this_coro::executor, *timeout);
    co_await timer.async_wait(asio::use_awaitable);
    expired = true;
    process.signal(SIGKILL);
  }
  co_await wait_forever();
}

// Sends a keepalive event whenever nothing was written for `interval`.
awaitable<void> keepalive(std::optional<std::chrono::milliseconds> interval, event_writer& writer) {
  if (!interval) co_await wait_forever();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_at(writer.last_write() + *interval);
    co_await timer.async_wait(asio::use_awaitable);
    if (steady_clock::now() - writer.last_write() >= *interval) co_await writer.event(keepalive_event());
  }
}

awaitable<void> start(state_ptr state, exchange& ex) {
  const auto sandbox = envd_sandbox(*state, ex);
  auto request = parse_start(*sandbox, ex.body());
  co_await ex.begin_chunked(200, "application/connect+json");
  event_writer writer(ex);
  if (request.error) {
    co_await writer.finish(request.error);
    co_return;
  }
  std::shared_ptr<fake_process> process;
  try {
    process = sandbox->start(state->registry.runner(), std::move(request.spec));
  } catch (const std::exception& e) {
    request.error = connect::error{.code = "internal", .message = std::string("starting the process failed: ") + e.what()};
  }
  if (!process) {
    co_await writer.finish(request.error);
    co_return;
  }
  co_await writer.event(start_event(process->pid()));

  process_exit exit;
  bool expired = false;
  auto run = [&]() -> awaitable<void> {
    exit = co_await process->run([&writer](sbx::output_stream stream, std::string_view chunk) -> awaitable<void> {
      co_await writer.event(data_event(stream, chunk));
    });
  };
  auto watch = [&]() -> awaitable<void> {
    co_await sbx::process::first_of(
        deadline_watch(header_number(ex, "Connect-Timeout-Ms", std::chrono::milliseconds(1)), *process, expired),
        keepalive(header_number(ex, "Keepalive-Ping-Interval", std::chrono::seconds(1)), writer));
  };
  // The command always finishes first (the watchers only wait or kill it).
  co_await sbx::process::first_of(run(), watch());
  sandbox->forget(process->pid());
  if (expired) {
    co_await writer.finish(connect::error{.code = "deadline_exceeded", .message = "context deadline exceeded"});
    co_return;
  }
  co_await writer.event(end_event(exit));
  co_await writer.finish(std::nullopt);
}

// The command a ProcessSelector {"pid": N} names. Throws not_found.
std::shared_ptr<fake_process> selected(const fake_sandbox& sandbox, const json::object& request) {
  const auto* selector = request.if_contains("process");
  const auto* pid = selector && selector->is_object() ? selector->as_object().if_contains("pid") : nullptr;
  if (!pid || !pid->is_number()) throw connect_error("invalid_argument", "process.pid is required");
  const auto n = pid->to_number<int>();
  auto process = sandbox.find_process(n);
  if (!process) throw connect_error("not_found", "process with pid " + std::to_string(n) + " not found");
  return process;
}

int signal_of(const json::object& request) {
  const auto* value = request.if_contains("signal");
  if (value && value->is_string()) {
    if (value->as_string() == "SIGNAL_SIGKILL") return SIGKILL;
    if (value->as_string() == "SIGNAL_SIGTERM") return SIGTERM;
  }
  if (value && value->is_number()) {
    const auto n = value->to_number<int>();
    if (n == SIGKILL || n == SIGTERM) return n;
  }
  throw connect_error("unimplemented", "invalid signal");
}

json::object process_info(const fake_process& process) {
  const auto& spec = process.spec();
  json::array args;
  for (std::size_t i = 1; i < spec.argv.size(); ++i) args.emplace_back(spec.argv[i]);
  json::object envs;
  for (const auto& [k, v] : spec.env) envs[k] = v;
  return {{"config", {{"cmd", spec.argv.front()}, {"args", std::move(args)}, {"envs", std::move(envs)}, {"cwd", spec.cwd}}},
          {"pid", process.pid()}};
}

json::object list_response(const fake_sandbox& sandbox) {
  json::array processes;
  for (const auto& p : sandbox.processes()) processes.push_back(process_info(*p));
  return {{"processes", std::move(processes)}};
}

}  // namespace

void add_process_service(router& routes, state_ptr state) {
  routes.add(http::verb::post, "/process.Process/Start", [state](exchange& ex) { return start(state, ex); });
  routes.add(http::verb::post, "/process.Process/SendSignal", [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = envd_sandbox(*state, ex);
    const auto request = rpc_request(ex);
    selected(*sandbox, request)->signal(signal_of(request));
    co_await ex.respond(200, "{}");
  });
  routes.add(http::verb::post, "/process.Process/SendInput", [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = envd_sandbox(*state, ex);
    const auto request = rpc_request(ex);
    const auto process = selected(*sandbox, request);
    const auto* input = request.if_contains("input");
    const auto* data = input && input->is_object() ? input->as_object().if_contains("stdin") : nullptr;
    if (!data || !data->is_string()) throw connect_error("invalid_argument", "input.stdin is required");
    auto bytes = sbx::connect::decode_base64(data->as_string());
    if (!bytes) throw connect_error("invalid_argument", "input.stdin is not base64");
    std::optional<std::string> failure;
    try {
      co_await process->write_stdin(std::move(*bytes));
    } catch (const std::runtime_error& e) {
      failure = e.what();
    }
    if (failure) throw connect_error("failed_precondition", *failure);
    co_await ex.respond(200, "{}");
  });
  routes.add(http::verb::post, "/process.Process/CloseStdin", [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = envd_sandbox(*state, ex);
    selected(*sandbox, rpc_request(ex))->close_stdin();
    co_await ex.respond(200, "{}");
  });
  routes.add(http::verb::post, "/process.Process/List", [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = envd_sandbox(*state, ex);
    co_await ex.respond_json(200, list_response(*sandbox));
  });
}

}  // namespace sbx_fake::e2b
