// The management API of each sandbox (behind Tensorlake's proxy): a command run whose
// output streams back as Server-Sent Events, line by line as UTF-8 text; process kill;
// the binary-safe files endpoints and directory listing; health. A command outlives a
// client that disconnects, and the run's "timeout" kills it (SIGKILL).
#include "fakes/tensorlake/tensorlake_fake.hpp"

#include "http/semaphore.hpp"
#include "owner_labels.hpp"
#include "process/concurrently.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <csignal>
#include <fstream>

namespace sbx_fake::tensorlake {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;

// The sandbox id in a Host such as "<id>.local" or "<id>.sandbox.tensorlake.ai".
std::string id_from_host(std::string_view host) {
  const auto dot = host.find('.');
  return dot == std::string_view::npos ? std::string() : std::string(host.substr(0, dot));
}

std::shared_ptr<fake_sandbox> target_sandbox(const tensorlake_state& state, const exchange& ex) {
  authenticate(state, ex);
  std::string id(ex.header("X-Tensorlake-Sandbox-Id"));
  if (id.empty()) id = id_from_host(ex.header("Host"));
  auto sandbox = state.registry.find(id);
  if (!sandbox) throw api_error(404, "sandbox " + id + " not found", "SANDBOX_NOT_FOUND");
  const auto* status = sandbox->settings().attributes.if_contains("status");
  if (!status || !status->is_string() || status->as_string() != "running")
    throw api_error(409, "sandbox " + id + " is not running", "SANDBOX_NOT_READY");
  return sandbox;
}

// `bytes` as valid UTF-8: every byte that does not start a well-formed sequence
// becomes U+FFFD, as Rust's String::from_utf8_lossy does.
std::string lossy_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= bytes.size();
    for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(bytes[i + k]) >> 6) == 0x2;
    if (ok && n > 1) {
      std::uint32_t cp = c & (0xFF >> (n + 1));
      for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(bytes[i + k]) & 0x3F);
      static constexpr std::uint32_t min_for[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= min_for[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (!ok) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(bytes.substr(i, n));
    i += n;
  }
  return out;
}

std::string sse_frame(const json::object& event) { return "data: " + json::serialize(event) + "\n\n"; }

std::string now_text() { return sbx::detail::format_utc(std::chrono::system_clock::now()); }

// Writes SSE frames of one response, one writer at a time. A client that went away
// makes later writes no-ops, so the command runs on undisturbed.
class frame_writer {
 public:
  explicit frame_writer(exchange& ex) : ex_(ex) {}

  awaitable<void> write(std::string frames) {
    if (frames.empty()) co_return;
    auto turn = co_await lock_.acquire();
    if (broken_) co_return;
    try {
      co_await ex_.write_chunk(frames);
    } catch (const boost::system::system_error&) {
      broken_ = true;
    }
  }

  awaitable<void> finish() {
    auto turn = co_await lock_.acquire();
    if (broken_) co_return;
    try {
      co_await ex_.end_chunked();
    } catch (const boost::system::system_error&) {
      broken_ = true;
    }
  }

 private:
  exchange& ex_;
  sbx::http::async_semaphore lock_{1};
  bool broken_ = false;
};

// Splits one stream's output into line events.
class line_splitter {
 public:
  explicit line_splitter(const char* stream) : stream_(stream) {}

  // The frames of the lines completed by `chunk`.
  std::string frames(std::string_view chunk) {
    pending_.append(chunk);
    std::string out;
    std::size_t start = 0;
    for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n', start)) {
      out += line_frame(std::string_view(pending_).substr(start, nl - start));
      start = nl + 1;
    }
    pending_.erase(0, start);
    return out;
  }

  // The frame of an unterminated last line, if any.
  std::string rest() {
    if (pending_.empty()) return {};
    auto out = line_frame(pending_);
    pending_.clear();
    return out;
  }

 private:
  std::string line_frame(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return sse_frame({{"line", lossy_utf8(line)}, {"timestamp", now_text()}, {"stream", stream_}});
  }

  const char* stream_;
  std::string pending_;
};

std::string string_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The command of a run body. Throws 400 for a malformed one.
command_spec parse_run(const fake_sandbox& sandbox, exchange& ex) {
  boost::system::error_code ec;
  const auto value = json::parse(ex.body(), ec);
  if (ec || !value.is_object()) throw api_error(400, "the request body must be a JSON object", "INVALID_REQUEST");
  const auto& body = value.as_object();
  command_spec spec;
  spec.argv.push_back(string_of(body, "command"));
  if (spec.argv.front().empty()) throw api_error(400, "command is required", "INVALID_REQUEST");
  if (const auto* args = body.if_contains("args"); args && args->is_array())
    for (const auto& a : args->as_array()) spec.argv.emplace_back(a.is_string() ? a.as_string() : "");
  if (const auto* env = body.if_contains("env"); env && env->is_object())
    for (const auto& [k, v] : env->as_object()) spec.env[k] = v.is_string() ? std::string(v.as_string()) : "";
  spec.cwd = sandbox.paths().resolve(string_of(body, "working_dir"));
  std::error_code fec;
  if (!fs::is_directory(sandbox.paths().readable(spec.cwd), fec))
    throw api_error(400, "working_dir " + spec.cwd + " does not exist", "INVALID_REQUEST");
  return spec;
}

std::optional<std::chrono::seconds> run_timeout(exchange& ex) {
  boost::system::error_code ec;
  const auto value = json::parse(ex.body(), ec);
  const auto* t = !ec && value.is_object() ? value.as_object().if_contains("timeout") : nullptr;
  if (!t || !t->is_number()) return std::nullopt;
  const auto seconds = t->to_number<double>();
  if (seconds <= 0) return std::nullopt;
  return std::chrono::seconds(static_cast<long long>(seconds + 0.999));
}

awaitable<void> wait_forever() {
  asio::steady_timer timer(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
  co_await timer.async_wait(asio::use_awaitable);
}

// Kills the command when the run's timeout passes, then waits to be cancelled.
awaitable<void> timeout_watch(std::optional<std::chrono::seconds> timeout, fake_process& process, bool& expired) {
  if (timeout) {
    asio::steady_timer timer(co_await asio::this_coro::executor, *timeout);
    co_await timer.async_wait(asio::use_awaitable);
    expired = true;
    process.signal(SIGKILL);
  }
  co_await wait_forever();
}

json::object exit_event(const process_exit& exit, bool expired) {
  if (expired) return {{"signal", SIGKILL}, {"reason", "timed_out"}};
  if (exit.signal != 0) return {{"signal", exit.signal}, {"reason", "signaled"}};
  return {{"exit_code", exit.exit_code}, {"reason", "exited"}};
}

std::string start_frame(int pid) {
  return sse_frame({{"pid", pid}, {"handle", pid}, {"started_at", now_text()}});
}

json::object entry_json(const fs::directory_entry& entry) {
  std::error_code ec;
  const bool dir = entry.is_directory(ec);
  json::object e{{"name", entry.path().filename().string()}, {"is_dir", dir}};
  if (!dir) e["size"] = entry.is_regular_file(ec) ? entry.file_size(ec) : 0;
  return e;
}

json::object listing_json(const std::string& path, json::array entries) {
  return {{"path", path}, {"entries", std::move(entries)}};
}

awaitable<void> run(state_ptr state, exchange& ex) {
  const auto sandbox = target_sandbox(*state, ex);
  auto spec = parse_run(*sandbox, ex);
  const auto timeout = run_timeout(ex);
  const auto process = sandbox->start(state->registry.runner(), std::move(spec));
  co_await ex.begin_chunked(200, "text/event-stream");
  frame_writer writer(ex);
  co_await writer.write(start_frame(process->pid()));
  line_splitter out("stdout"), err("stderr");
  process_exit exit;
  bool expired = false;
  auto pump = [&]() -> awaitable<void> {
    exit = co_await process->run([&](sbx::output_stream stream, std::string_view chunk) -> awaitable<void> {
      co_await writer.write((stream == sbx::output_stream::std_out ? out : err).frames(chunk));
    });
  };
  co_await sbx::process::first_of(pump(), timeout_watch(timeout, *process, expired));
  sandbox->forget(process->pid());
  co_await writer.write(out.rest() + err.rest() + sse_frame(exit_event(exit, expired)));
  co_await writer.finish();
}

// The `path` query parameter made absolute; 400 without one, 403 with a ".." part.
std::string query_path(const fake_sandbox& sandbox, const exchange& ex) {
  const auto path = ex.query("path");
  if (!path || path->empty()) throw api_error(400, "path is required", "INVALID_REQUEST");
  for (std::size_t at = 0; at <= path->size();) {
    const auto slash = path->find('/', at);
    const auto part = path->substr(at, slash == std::string::npos ? std::string::npos : slash - at);
    if (part == "..") throw api_error(403, "path may not contain ..", "FORBIDDEN");
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  return sandbox.paths().resolve(*path);
}

// Where the file API reads `path`: the writable copy when there is one, else the host.
fs::path read_path(const fake_sandbox& sandbox, const std::string& path) {
  auto host = file_path(sandbox, path);
  std::error_code ec;
  if (sandbox.paths().writable(path) || fs::exists(host, ec)) return host;
  return sandbox.paths().readable(path);
}

awaitable<void> read_file(state_ptr state, exchange& ex) {
  const auto sandbox = target_sandbox(*state, ex);
  const auto path = query_path(*sandbox, ex);
  const auto host = read_path(*sandbox, path);
  std::error_code ec;
  const auto status = fs::status(host, ec);
  if (status.type() == fs::file_type::not_found) throw api_error(404, "file not found: " + path, "NOT_FOUND");
  if (fs::is_directory(status)) throw api_error(400, "path is a directory: " + path, "IS_A_DIRECTORY");
  co_await ex.respond_file(host, "application/octet-stream");
}

awaitable<void> write_file(state_ptr state, exchange& ex) {
  const auto sandbox = target_sandbox(*state, ex);
  const auto path = query_path(*sandbox, ex);
  const auto host = file_path(*sandbox, path);
  std::error_code ec;
  fs::create_directories(host.parent_path(), ec);
  if (fs::is_directory(host, ec)) throw api_error(400, "path is a directory: " + path, "IS_A_DIRECTORY");
  std::ofstream file(host, std::ios::binary | std::ios::trunc);
  file.write(ex.body().data(), static_cast<std::streamsize>(ex.body().size()));
  if (!file.flush()) throw api_error(500, "error writing file: " + path, "INTERNAL");
  co_await ex.respond(204);
}

awaitable<void> delete_file(state_ptr state, exchange& ex) {
  const auto sandbox = target_sandbox(*state, ex);
  const auto path = query_path(*sandbox, ex);
  const auto host = file_path(*sandbox, path);
  std::error_code ec;
  if (!fs::exists(host, ec)) throw api_error(404, "file not found: " + path, "NOT_FOUND");
  fs::remove_all(host, ec);
  co_await ex.respond(204);
}

awaitable<void> list_dir(state_ptr state, exchange& ex) {
  const auto sandbox = target_sandbox(*state, ex);
  const auto path = query_path(*sandbox, ex);
  const auto host = read_path(*sandbox, path);
  std::error_code ec;
  const auto status = fs::status(host, ec);
  if (status.type() == fs::file_type::not_found) throw api_error(404, "directory not found: " + path, "NOT_FOUND");
  if (!fs::is_directory(status)) throw api_error(400, "path is not a directory: " + path, "NOT_A_DIRECTORY");
  json::array entries;
  for (const auto& entry : fs::directory_iterator(host, ec)) entries.push_back(entry_json(entry));
  co_await ex.respond_json(200, listing_json(path, std::move(entries)));
}

}  // namespace

void add_management(router& routes, state_ptr state) {
  routes.add(http::verb::post, "/api/v1/processes/run", [state](exchange& ex) { return run(state, ex); });
  routes.add(http::verb::delete_, "/api/v1/processes/{pid}", [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = target_sandbox(*state, ex);
    int pid = 0;
    const auto& text = ex.param("pid");
    std::from_chars(text.data(), text.data() + text.size(), pid);
    const auto process = sandbox->find_process(pid);
    if (!process) throw api_error(404, "process " + text + " not found", "NOT_FOUND");
    process->signal(SIGKILL);
    co_await ex.respond(200, "{}");
  });
  routes.add(http::verb::get, "/api/v1/files", [state](exchange& ex) { return read_file(state, ex); });
  routes.add(http::verb::put, "/api/v1/files", [state](exchange& ex) { return write_file(state, ex); });
  routes.add(http::verb::delete_, "/api/v1/files", [state](exchange& ex) { return delete_file(state, ex); });
  routes.add(http::verb::get, "/api/v1/files/list", [state](exchange& ex) { return list_dir(state, ex); });
  routes.add(http::verb::get, "/api/v1/health", [state](exchange& ex) -> awaitable<void> {
    target_sandbox(*state, ex);
    co_await ex.respond(200, R"({"healthy":true})");
  });
}

}  // namespace sbx_fake::tensorlake
