#include "fakes/common/fake_launcher.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace sbx_fake {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// Reads `fd` until a newline or `deadline`; the line without it.
std::string read_line(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string line;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("the fake did not report its URL in time");
    pollfd p{.fd = fd, .events = POLLIN};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c = 0;
    const auto n = ::read(fd, &c, 1);
    if (n <= 0) throw std::runtime_error("the fake exited before listening (see its stderr)");
    if (c == '\n') return line;
    line += c;
  }
}

}  // namespace

fake_launcher::fake_launcher(std::string program, std::vector<std::string> args) {
  // The fake's stdin is a pipe whose write end only this process holds: when it goes
  // away (even killed), the fake sees EOF and stops (--exit-with-stdin).
  int in[2];
  int out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  args.push_back("--exit-with-stdin");
  std::vector<char*> argv{program.data()};
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  stdin_ = in[1];
  if (rc != 0) {
    ::close(out[0]);
    ::close(stdin_);
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
  }
  try {
    const auto line = read_line(out[0], std::chrono::steady_clock::now() + std::chrono::seconds(10));
    const auto at = line.find("http://");
    if (at == std::string::npos) throw std::runtime_error("unexpected first line from the fake: " + line);
    url_ = line.substr(at);
  } catch (...) {
    ::close(out[0]);
    ::close(stdin_);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    throw;
  }
  ::close(out[0]);
}

fake_launcher::~fake_launcher() {
  if (pid_ <= 0) return;
  ::close(stdin_);
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

boost::json::object fake_launcher::stats() const {
  const auto r = plain_request(url_, "GET", "/_fake/stats");
  if (r.status != 200) throw std::runtime_error("GET /_fake/stats answered " + std::to_string(r.status));
  return boost::json::parse(r.body).as_object();
}

std::uint64_t fake_launcher::counter(const char* key) const {
  return stats().at(key).to_number<std::uint64_t>();
}

std::size_t fake_launcher::live_sandboxes() const { return static_cast<std::size_t>(counter("live_sandboxes")); }

void fake_launcher::set_faults(const boost::json::object& faults) const {
  const auto r = plain_request(url_, "POST", "/_fake/faults", boost::json::serialize(faults));
  if (r.status != 200) throw std::runtime_error("POST /_fake/faults answered " + std::to_string(r.status) + ": " + r.body);
}

plain_response plain_request(const std::string& url, const std::string& method, const std::string& target,
                             const std::string& body, const std::vector<std::pair<std::string, std::string>>& headers) {
  const auto authority = url.substr(url.find("//") + 2);
  const auto colon = authority.rfind(':');
  asio::io_context context;
  asio::ip::tcp::socket socket(context);
  asio::ip::tcp::resolver resolver(context);
  asio::connect(socket, resolver.resolve(authority.substr(0, colon), authority.substr(colon + 1)));
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, authority);
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return {response.result_int(), std::move(response.body())};
}

}  // namespace sbx_fake
