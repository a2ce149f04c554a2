#include "contract_backend.hpp"

#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/system/system_error.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <unistd.h>

namespace sbx_contract {
namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// Docker: the daemon's unix socket ($DOCKER_HOST when it is unix://, else the default).
std::string docker_socket() {
  const std::string host = env_or("DOCKER_HOST", "unix:///var/run/docker.sock");
  return host.starts_with("unix://") ? host.substr(7) : "/var/run/docker.sock";
}

// Containers labelled sbx.pid=<this pid>, asked over the socket with a bare HTTP call.
std::size_t docker_live_sandboxes() {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::local::stream_protocol::socket socket(io);
  socket.connect(docker_socket());
  // filters={"label":["sbx.pid=<pid>"]}, percent-encoded
  const auto filter = "%7B%22label%22%3A%5B%22sbx.pid%3D" + std::to_string(::getpid()) + "%22%5D%7D";
  http::request<http::empty_body> req{http::verb::get, "/containers/json?all=1&filters=" + filter, 11};
  req.set(http::field::host, "docker");
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  return boost::json::parse(res.body()).as_array().size();
}

// Why a probe failed, in a few words (a system error without its source location).
std::string probe_failure(const std::exception& e) {
  const auto* system = dynamic_cast<const boost::system::system_error*>(&e);
  return system ? system->code().message() : e.what();
}

// Ray: the Jobs API at $RAY_ADDRESS when it is an http:// URL, else the local default.
std::string ray_address() {
  const std::string address = env_or("RAY_ADDRESS", "");
  return address.starts_with("http://") ? address : "http://127.0.0.1:8265";
}

// Jobs of this process (metadata sbx.pid=<pid>) that Ray has not ended, by a bare GET.
std::size_t ray_live_sandboxes() {
  namespace http = boost::beast::http;
  auto authority = ray_address().substr(7);
  authority = authority.substr(0, authority.find('/'));
  const auto colon = authority.rfind(':');
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::asio::connect(socket, boost::asio::ip::tcp::resolver(io).resolve(
                                   authority.substr(0, colon), colon == std::string::npos ? "80" : authority.substr(colon + 1)));
  http::request<http::empty_body> req{http::verb::get, "/api/jobs/", 11};
  req.set(http::field::host, authority);
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> res;
  res.body_limit(boost::none);
  http::read(socket, buffer, res);
  const auto jobs = boost::json::parse(res.get().body());
  std::size_t live = 0;
  for (const auto& job : jobs.as_array()) {
    const auto* metadata = job.as_object().if_contains("metadata");
    const auto* pid = metadata && metadata->is_object() ? metadata->as_object().if_contains("sbx.pid") : nullptr;
    const auto& status = job.as_object().at("status").as_string();
    if (pid && pid->is_string() && pid->get_string() == std::to_string(::getpid()) &&
        (status == "PENDING" || status == "RUNNING"))
      ++live;
  }
  return live;
}

std::map<std::string, fake_backend>& fake_backends() {
  static std::map<std::string, fake_backend> backends;
  return backends;
}

// A cloud backend runs against its loopback fake (tests/fakes/<name>), started once per
// test process and stopped at exit; $SBX_FAKE_<NAME> overrides the program's path.
void use_fake(backend_under_test& b, const fake_backend& fake_backend) {
  try {
    static sbx_fake::fake_launcher fake(sbx_fake::fake_program(b.name), fake_backend.fake_args);
    b.client.driver_options = fake_backend.driver_options(fake.url());
    b.live_sandboxes = [] { return fake.live_sandboxes(); };
  } catch (const std::exception& e) {
    if (env_or("CI", "") == std::string("true")) throw;
    b.unavailable = "the " + b.name + " fake cannot run: " + e.what();
  }
}

backend_under_test make_backend() {
  backend_under_test b;
  b.name = env_or("SBX_CONTRACT_BACKEND", "local");
  b.client.exec_timeout = std::chrono::minutes(2);
  if (b.name == "docker") {
    b.defaults.image = env_or("SBX_TEST_DOCKER_IMAGE", "sbx-test/python:1");
    b.live_sandboxes = docker_live_sandboxes;
    try {
      docker_live_sandboxes();
    } catch (const boost::system::system_error& e) {
      if (env_or("CI", "") != "true")
        b.unavailable = "no Docker daemon at " + docker_socket() + " (" + e.code().message() + "); try scripts/engines up";
    }
  }
  if (b.name == "ray") {
    b.live_sandboxes = ray_live_sandboxes;
    try {
      ray_live_sandboxes();
    } catch (const std::exception& e) {
      if (env_or("CI", "") != "true")
        b.unavailable = "no Ray Jobs API at " + ray_address() + " (" + probe_failure(e) + "); try scripts/engines up";
    }
  }
  if (const auto fake = fake_backends().find(b.name); fake != fake_backends().end()) use_fake(b, fake->second);
  if (b.name == "bwrap" && std::system("command -v bwrap >/dev/null 2>&1") != 0 && env_or("CI", "") != "true")
    b.unavailable = "bwrap (bubblewrap) is not installed; try apt-get install bubblewrap";
  return b;
}

void overlay(sbx::CreateOptions& base, sbx::CreateOptions& options) {
#define SBX_OVERLAY(field) \
  if (options.field) base.field = std::move(options.field);
  SBX_OVERLAY(preset) SBX_OVERLAY(cpu) SBX_OVERLAY(memory_mb) SBX_OVERLAY(disk_mb)
  SBX_OVERLAY(timeout_secs) SBX_OVERLAY(image) SBX_OVERLAY(template_name)
  SBX_OVERLAY(allow_internet) SBX_OVERLAY(app_name) SBX_OVERLAY(snapshot_id)
  SBX_OVERLAY(workdir) SBX_OVERLAY(git_repo) SBX_OVERLAY(git_ref) SBX_OVERLAY(gpu)
#undef SBX_OVERLAY
  for (auto& [k, v] : options.env_vars) base.env_vars[k] = v;
  for (auto& [k, v] : options.labels) base.labels[k] = v;
  if (!options.backend_options.empty()) base.backend_options = std::move(options.backend_options);
  base.files = std::move(options.files);
  base.workspace = std::move(options.workspace);
}

}  // namespace

bool register_fake_backend(const std::string& name, fake_backend backend) {
  fake_backends()[name] = std::move(backend);
  return true;
}

const backend_under_test& backend() {
  static const backend_under_test b = make_backend();
  return b;
}

sbx::awaitable<sbx::Client> connect() { co_return co_await sbx::Client::connect(backend().name, backend().client); }

sbx::awaitable<sbx::Sandbox> create(sbx::Client& client, sbx::CreateOptions options) {
  auto merged = backend().defaults;
  overlay(merged, options);
  co_return co_await client.create(std::move(merged));
}

bool skip_unavailable() {
  if (!backend().unavailable) return false;
  static bool printed = false;
  if (!printed) std::cerr << "skipping " << backend().name << ": " << *backend().unavailable << "\n";
  printed = true;
  return true;
}

std::string pattern_bytes(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<char>(i < 256 ? i : (x & 0xff));
  }
  return out;
}

std::string count_sleepers_script(int seconds) {
  const auto n = std::to_string(seconds);
  // "sleep 306[1]" as a pattern never matches the grep's own command line.
  const auto pattern = "^sleep " + n.substr(0, n.size() - 1) + "[" + n.back() + "]";
  return "for f in /proc/[0-9]*/cmdline; do tr '\\000' ' ' < \"$f\" 2>/dev/null; echo; done | grep -c '" +
         pattern + "' || true";
}

int unique_sleep_seconds() {
  static const int seconds = 3000 + static_cast<int>(::getpid() % 997);
  return seconds;
}

}  // namespace sbx_contract
