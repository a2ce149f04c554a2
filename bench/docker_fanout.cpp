// bench_docker_fanout: Docker sandboxes through the library (create, exec, write+read,
// destroy) at concurrency 1 and 16, against the daemon's own sequential rate for the
// same Engine API calls issued by a minimal blocking HTTP client on the unix socket.
//
//   bench_docker_fanout [-n 50] [--image sbx-test/python:1] [--socket /var/run/docker.sock]
//
// Prints per-phase p50/p95, throughputs and ratios, then one JSON line
// ({"bench":"docker_fanout",...}). Targets are reported, never asserted:
//   - concurrency 16 >= 2x the library's sequential throughput;
//   - client overhead per operation < 1 ms: library p50 minus raw p50 (sequential), and
//     this process's CPU time per operation, which the daemon's jitter does not blur.
#include "fanout/latency_stats.hpp"
#include "fanout/process_resources.hpp"
#include "fanout/units.hpp"

#include "sbx/blocking.hpp"
#include "sbx/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using namespace sbx;
using clock_type = std::chrono::steady_clock;
using samples = std::vector<std::chrono::nanoseconds>;

constexpr double scaling_target = 2.0;
constexpr double overhead_target_ms = 1.0;
const std::array<const char*, 5> phase_names{"create", "exec", "write", "read", "destroy"};

struct settings {
  std::size_t count = 50;
  std::string image = "sbx-test/python:1";
  std::string socket = "/var/run/docker.sock";
};

// CPU time (user + system) this process has used so far.
std::chrono::nanoseconds process_cpu() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto micros = [](const timeval& t) { return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec); };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

// Latencies per phase, the wall time and this process's CPU time of one run.
struct run_result {
  std::map<std::string, samples> phases;
  std::chrono::nanoseconds wall{};
  std::chrono::nanoseconds cpu{};
  std::size_t failed = 0;
  double per_second(std::size_t count) const { return sbx::fanout::per_second(count, wall); }
  // Client CPU per Engine-level operation (each sandbox makes phase_names.size() of them).
  double cpu_ms_per_op(std::size_t count) const {
    return fanout::to_ms(cpu) / static_cast<double>(count * phase_names.size());
  }
};

const std::string payload(4096, 'p');

// ---- the library --------------------------------------------------------------------

template <class T>
awaitable<T> timed(samples& into, awaitable<T> operation) {
  const auto started = clock_type::now();
  if constexpr (std::is_void_v<T>) {
    co_await std::move(operation);
    into.push_back(clock_type::now() - started);
  } else {
    auto value = co_await std::move(operation);
    into.push_back(clock_type::now() - started);
    co_return value;
  }
}

awaitable<void> one_sandbox(Client& client, const settings& s, std::size_t i, run_result& r) {
  CreateOptions options;
  options.image = s.image;
  options.timeout_secs = 300;
  auto sb = co_await timed(r.phases["create"], client.create(std::move(options)));
  const auto out = co_await timed(r.phases["exec"], sb.exec("echo " + std::to_string(i)));
  co_await timed(r.phases["write"], sb.write_file("bench.txt", payload));
  const auto back = co_await timed(r.phases["read"], sb.read_file("bench.txt"));
  co_await timed(r.phases["destroy"], sb.destroy());
  if (out.std_out != std::to_string(i) + "\n" || back != payload) ++r.failed;
}

awaitable<run_result> library_run(Client& client, const settings& s, std::size_t concurrency) {
  run_result r;
  std::size_t next = 0;
  std::size_t running = concurrency;
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer done(executor, asio::steady_timer::time_point::max());
  const auto started = clock_type::now();
  const auto cpu_before = process_cpu();
  for (std::size_t w = 0; w < concurrency; ++w) {
    asio::co_spawn(
        executor,
        [&]() -> awaitable<void> {
          while (next < s.count) {
            const auto i = next++;
            try {
              co_await one_sandbox(client, s, i, r);
            } catch (const std::exception& e) {
              ++r.failed;
              std::cerr << "sandbox " << i << ": " << e.what() << "\n";
            }
          }
          if (--running == 0) done.cancel();
        },
        asio::detached);
  }
  boost::system::error_code ignored;
  co_await done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  r.wall = clock_type::now() - started;
  r.cpu = process_cpu() - cpu_before;
  co_return r;
}

// ---- the raw baseline: blocking HTTP/1.1 on the unix socket, no library -------------

class raw_docker {
 public:
  // `version` empty: unversioned paths (for /_ping).
  raw_docker(std::string socket, const std::string& version)
      : socket_(std::move(socket)), prefix_(version.empty() ? "" : "/v" + version) {}

  // One request on a fresh connection (as cheap as keep-alive on a unix socket).
  bhttp::response<bhttp::string_body> call(bhttp::verb method, const std::string& target, std::string body = {},
                                           const char* type = "application/json") {
    asio::local::stream_protocol::socket sock(io_);
    sock.connect(socket_);
    bhttp::request<bhttp::string_body> req{method, prefix_ + target, 11};
    req.set(bhttp::field::host, "docker");
    if (!body.empty()) req.set(bhttp::field::content_type, type);
    req.body() = std::move(body);
    req.prepare_payload();
    bhttp::write(sock, req);
    boost::beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    if (method == bhttp::verb::head) parser.skip(true);
    bhttp::read(sock, buffer, parser);
    return parser.release();
  }

  // Exec create + hijacked start read to EOF + inspect; returns the raw stream bytes.
  std::string exec(const std::string& container, const std::string& command) {
    const json::object create{{"AttachStdout", true}, {"AttachStderr", true}, {"Tty", false},
                              {"Cmd", json::array{"/bin/sh", "-c", command}}};
    const auto id = id_of(call(bhttp::verb::post, "/containers/" + container + "/exec", json::serialize(create)));
    asio::local::stream_protocol::socket sock(io_);
    sock.connect(socket_);
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, prefix_ + "/exec/" + id + "/start", 11};
    req.set(bhttp::field::host, "docker");
    req.set(bhttp::field::content_type, "application/json");
    req.set(bhttp::field::connection, "Upgrade");
    req.set(bhttp::field::upgrade, "tcp");
    req.body() = R"({"Detach":false,"Tty":false})";
    req.prepare_payload();
    bhttp::write(sock, req);
    boost::beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::empty_body> parser;
    bhttp::read_header(sock, buffer, parser);
    std::string stream = boost::beast::buffers_to_string(buffer.data());
    std::array<char, 4096> chunk;
    for (boost::system::error_code ec; !ec;) stream.append(chunk.data(), sock.read_some(asio::buffer(chunk), ec));
    call(bhttp::verb::get, "/exec/" + id + "/json");
    return stream;
  }

  static std::string id_of(const bhttp::response<bhttp::string_body>& res) {
    return std::string(json::parse(res.body()).at("Id").as_string());
  }

 private:
  asio::io_context io_;
  std::string socket_;
  std::string prefix_;
};

// A one-file ustar archive, built by hand as the baseline carries no tar library.
std::string ustar(const std::string& name, const std::string& content) {
  std::array<char, 512> h{};
  auto put = [&](std::size_t at, std::size_t width, const std::string& text) { text.copy(h.data() + at, width); };
  auto octal = [](std::size_t value, int width) {
    std::array<char, 16> b{};
    std::snprintf(b.data(), b.size(), "%0*zo", width - 1, value);
    return std::string(b.data());
  };
  put(0, 100, name);
  put(100, 8, octal(0644, 8));
  put(108, 8, octal(0, 8));
  put(116, 8, octal(0, 8));
  put(124, 12, octal(content.size(), 12));
  put(136, 12, octal(static_cast<std::size_t>(::time(nullptr)), 12));
  h[156] = '0';
  put(257, 6, std::string("ustar\0", 6));
  put(263, 2, "00");
  std::fill(h.begin() + 148, h.begin() + 156, ' ');
  std::size_t sum = 0;
  for (const char c : h) sum += static_cast<unsigned char>(c);
  put(148, 8, octal(sum, 7) + std::string(1, '\0'));
  std::string out(h.data(), h.size());
  out += content;
  out.append((512 - content.size() % 512) % 512 + 1024, '\0');
  return out;
}

// One sandbox through the raw client, its phases added to `r`.
void raw_one(raw_docker& raw, const settings& s, std::size_t i, run_result& r) {
  auto t = clock_type::now();
  auto lap = [&](const char* phase) {
    const auto now = clock_type::now();
    r.phases[phase].push_back(now - t);
    t = now;
  };
  raw.call(bhttp::verb::get, "/images/" + s.image + "/json");
  const json::object body{
      {"Image", s.image},
      {"Entrypoint", json::array{"/bin/sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"}},
      {"Cmd", json::array{}},
      {"WorkingDir", "/workspace"},
      {"Labels", json::object{{"sbx.library", "sbx"}, {"sbx.pid", std::to_string(::getpid())}}},
      {"HostConfig", json::object{{"AutoRemove", true}, {"NanoCpus", 1'000'000'000}, {"Memory", 1LL << 30}}}};
  const auto id = raw_docker::id_of(raw.call(bhttp::verb::post, "/containers/create", json::serialize(body)));
  raw.call(bhttp::verb::post, "/containers/" + id + "/start");
  lap("create");
  const auto out = raw.exec(id, "echo " + std::to_string(i));
  lap("exec");
  raw.call(bhttp::verb::put, "/containers/" + id + "/archive?path=%2F", ustar("workspace/bench.txt", payload),
           "application/x-tar");
  lap("write");
  const auto back = raw.call(bhttp::verb::get, "/containers/" + id + "/archive?path=%2Fworkspace%2Fbench.txt");
  lap("read");
  raw.call(bhttp::verb::delete_, "/containers/" + id + "?force=true&v=true");
  lap("destroy");
  if (out.size() < 8 || back.body().size() < payload.size()) ++r.failed;
}

// The sequential runs, interleaved sandbox by sandbox (raw, then library) so the
// daemon's drift over time affects both alike. Wall and CPU are each side's own sums.
struct sequential_pair {
  run_result raw;
  run_result library;
};

awaitable<sequential_pair> paired_sequential(Client& client, raw_docker& raw, const settings& s) {
  sequential_pair p;
  for (std::size_t i = 0; i < s.count; ++i) {
    auto started = clock_type::now();
    auto cpu_before = process_cpu();
    raw_one(raw, s, i, p.raw);
    p.raw.wall += clock_type::now() - started;
    p.raw.cpu += process_cpu() - cpu_before;
    started = clock_type::now();
    cpu_before = process_cpu();
    try {
      co_await one_sandbox(client, s, i, p.library);
    } catch (const std::exception& e) {
      ++p.library.failed;
      std::cerr << "sandbox " << i << ": " << e.what() << "\n";
    }
    p.library.wall += clock_type::now() - started;
    p.library.cpu += process_cpu() - cpu_before;
  }
  co_return p;
}

// ---- report ----------------------------------------------------------------------

double p50_ms(const run_result& r, const char* phase) {
  const auto it = r.phases.find(phase);
  return it == r.phases.end() ? 0 : fanout::to_ms(fanout::summarize_latencies(it->second).p50);
}

json::object phases_json(const run_result& r) {
  json::object out;
  for (const auto* phase : phase_names) {
    const auto stats = fanout::summarize_latencies(r.phases.count(phase) ? r.phases.at(phase) : samples{});
    out[phase] = {{"p50_ms", fanout::to_ms(stats.p50)}, {"p95_ms", fanout::to_ms(stats.p95)}};
  }
  return out;
}

void print_phases(const char* label, const run_result& r, std::size_t count) {
  std::cout << label << ": " << fanout::fixed(r.per_second(count), 2) << " sandboxes/s, wall "
            << fanout::fixed(fanout::to_seconds(r.wall), 2) << " s, client CPU "
            << fanout::fixed(r.cpu_ms_per_op(count), 3) << " ms/op, " << r.failed << " failed\n";
  for (const auto* phase : phase_names) {
    const auto stats = fanout::summarize_latencies(r.phases.count(phase) ? r.phases.at(phase) : samples{});
    std::cout << "  " << phase << std::string(9 - std::string_view(phase).size(), ' ') << "p50 "
              << fanout::fixed(fanout::to_ms(stats.p50), 2) << " ms   p95 " << fanout::fixed(fanout::to_ms(stats.p95), 2)
              << " ms\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  settings s;
  po::options_description options("bench_docker_fanout options");
  options.add_options()("help,h", "show this help")(
      "count,n", po::value(&s.count)->default_value(s.count), "sandboxes per run")(
      "image", po::value(&s.image)->default_value(s.image), "image (must be present: nothing is pulled)")(
      "socket", po::value(&s.socket)->default_value(s.socket), "the daemon's unix socket");
  po::variables_map values;
  try {
    po::store(po::parse_command_line(argc, argv, options), values);
    po::notify(values);
  } catch (const po::error& e) {
    std::cerr << "bench_docker_fanout: " << e.what() << "\n" << options;
    return 2;
  }
  if (values.count("help") || s.count == 0) {
    std::cout << options;
    return values.count("help") ? 0 : 2;
  }
  fanout::raise_fd_limit();
  ClientOptions client_options;
  client_options.driver_options["host"] = "unix://" + s.socket;
  asio::io_context context(1);
  auto client = blocking::run(context, Client::connect("docker", client_options));

  // The version the library negotiated is what the baseline speaks too.
  raw_docker probe(s.socket, "");
  const auto ping = probe.call(bhttp::verb::get, "/_ping");
  const std::string version(ping.at("Api-Version"));
  raw_docker raw(s.socket, version);

  blocking::run(context, library_run(client, {.count = 2, .image = s.image, .socket = s.socket}, 2));  // warm-up
  const auto pair = blocking::run(context, paired_sequential(client, raw, s));
  const auto& baseline = pair.raw;
  const auto& sequential = pair.library;
  const auto parallel = blocking::run(context, library_run(client, s, 16));

  const double scaling = parallel.per_second(s.count) / sequential.per_second(s.count);
  const double vs_daemon = sequential.per_second(s.count) / baseline.per_second(s.count);
  std::cout << "docker_fanout: " << s.count << " sandboxes of " << s.image << "; each: create, exec 'echo i', "
            << "write 4 KiB, read it back, destroy\n";
  print_phases("daemon baseline (raw HTTP, sequential, interleaved with the next)", baseline, s.count);
  print_phases("library, concurrency 1", sequential, s.count);
  print_phases("library, concurrency 16", parallel, s.count);
  std::cout << "ratio library c1 / daemon baseline: " << fanout::fixed(vs_daemon, 3) << "\n"
            << "ratio library c16 / library c1: " << fanout::fixed(scaling, 2) << " (target >= " << scaling_target
            << ": " << (scaling >= scaling_target ? "met" : "NOT met") << ")\n"
            << "client overhead per operation (library p50 - raw p50, sequential):\n";
  json::object overhead;
  double worst = 0;
  for (const auto* phase : phase_names) {
    const double extra = p50_ms(sequential, phase) - p50_ms(baseline, phase);
    worst = std::max(worst, extra);
    overhead[phase] = extra;
    std::cout << "  " << phase << std::string(9 - std::string_view(phase).size(), ' ') << fanout::fixed(extra, 2)
              << " ms\n";
  }
  std::cout << "  worst " << fanout::fixed(worst, 2) << " ms (target < " << overhead_target_ms
            << " ms: " << (worst < overhead_target_ms ? "met" : "NOT met")
            << "; latency differences include the daemon's own jitter)\n"
            << "client CPU per operation: library " << fanout::fixed(sequential.cpu_ms_per_op(s.count), 3)
            << " ms, raw client " << fanout::fixed(baseline.cpu_ms_per_op(s.count), 3) << " ms (target < "
            << overhead_target_ms << " ms: "
            << (sequential.cpu_ms_per_op(s.count) < overhead_target_ms ? "met" : "NOT met") << ")\n";
  const json::object line{{"bench", "docker_fanout"},
                          {"n", s.count},
                          {"image", s.image},
                          {"api_version", version},
                          {"baseline_per_s", baseline.per_second(s.count)},
                          {"c1_per_s", sequential.per_second(s.count)},
                          {"c16_per_s", parallel.per_second(s.count)},
                          {"ratio_c1_vs_baseline", vs_daemon},
                          {"ratio_c16_vs_c1", scaling},
                          {"scaling_target_met", scaling >= scaling_target},
                          {"overhead_ms", std::move(overhead)},
                          {"overhead_target_met", worst < overhead_target_ms},
                          {"client_cpu_ms_per_op", sequential.cpu_ms_per_op(s.count)},
                          {"raw_cpu_ms_per_op", baseline.cpu_ms_per_op(s.count)},
                          {"baseline", phases_json(baseline)},
                          {"c1", phases_json(sequential)},
                          {"c16", phases_json(parallel)},
                          {"failed", baseline.failed + sequential.failed + parallel.failed},
                          {"peak_rss_bytes", fanout::peak_rss_bytes()}};
  std::cout << json::serialize(line) << std::endl;
  return 0;
}
