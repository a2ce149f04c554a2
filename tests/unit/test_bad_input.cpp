// Bad input (docs/reliability.md, "Bad input"): malformed options, hostile paths, huge
// outputs, non-UTF-8 names and garbage from a provider each end in a clear SandboxError
// (or a documented, bounded result) and lose nothing.
#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
#include "sbx/sbx.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

// Expects `create` to fail with SandboxConfigurationError naming `key`.
void check_refused(sbx::blocking::Client& client, const sbx::CreateOptions& options, const std::string& key) {
  INFO("option " << key);
  try {
    client.create(options);
    FAIL("created a sandbox with a bad " << key);
  } catch (const sbx::SandboxConfigurationError& e) {
    CHECK(std::string(e.what()).find(key) != std::string::npos);
  }
}

// A fresh directory under the temp dir, removed at the end of the scope.
struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("sbx-bad-input-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
};

// A loopback TCP server answering every request with the same raw bytes, then
// closing the connection: a provider gone mad (garbage, truncated bodies, not HTTP).
class raw_server {
 public:
  explicit raw_server(std::string answer) : answer_(std::move(answer)) {
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    accept();
    thread_ = std::thread([this] { context_.run(); });
  }
  ~raw_server() {
    context_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
      if (ec) return;
      auto peer = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
      auto request = std::make_shared<asio::streambuf>();
      asio::async_read_until(*peer, *request, "\r\n\r\n", [this, peer, request](boost::system::error_code, std::size_t) {
        asio::async_write(*peer, asio::buffer(answer_), [peer](boost::system::error_code, std::size_t) {
          boost::system::error_code ignored;
          peer->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        });
      });
      accept();
    });
  }

  std::string answer_;
  asio::io_context context_;
  asio::ip::tcp::acceptor acceptor_{context_, asio::ip::tcp::v4()};
  std::thread thread_;
};

sbx::ClientOptions e2b_options(const std::string& url) {
  sbx::ClientOptions options;
  options.driver_options = {{"api_url", url},          {"envd_url", url},           {"api_key", "bad_input_key"},
                            {"retry_attempts", 2},     {"retry_base_delay_ms", 1},  {"create_rate", 0},
                            {"request_timeout_ms", 5000}};
  options.create_timeout = std::chrono::seconds(20);
  return options;
}

}  // namespace

TEST_CASE("bad input: malformed create options are refused before anything is created", "[bad_input][local]") {
  sbx::blocking::Client client("local");
  const std::vector<std::pair<std::string, std::function<void(sbx::CreateOptions&)>>> cases = {
      {"cpu", [](auto& o) { o.cpu = -1; }},
      {"cpu", [](auto& o) { o.cpu = std::numeric_limits<double>::quiet_NaN(); }},
      {"memory_mb", [](auto& o) { o.memory_mb = 0; }},
      {"memory_mb", [](auto& o) { o.memory_mb = -512; }},
      {"disk_mb", [](auto& o) { o.disk_mb = -1; }},
      {"timeout_secs", [](auto& o) { o.timeout_secs = 0; }},
      {"gpu", [](auto& o) { o.gpu = -1; }},
      {"env_var", [](auto& o) { o.env_vars["1BAD"] = "x"; }},
      {"env_var", [](auto& o) { o.env_vars["A=B"] = "x"; }},
      {"label", [](auto& o) { o.labels[""] = "x"; }},
      {"image", [](auto& o) { o.image = ""; }},
      {"template_name", [](auto& o) { o.template_name = ""; }},
      {"workdir", [](auto& o) { o.workdir = ""; }},
      {"preset", [](auto& o) { o.preset = "no-such-preset"; }},
  };
  for (const auto& [key, spoil] : cases) {
    sbx::CreateOptions options;
    spoil(options);
    check_refused(client, options, key);
  }
}

TEST_CASE("bad input: an unknown backend name is refused with the valid names", "[bad_input]") {
  try {
    sbx::blocking::Client client("no-such-backend");
    FAIL("a client was made for an unknown backend");
  } catch (const sbx::SandboxConfigurationError& e) {
    CHECK(std::string(e.what()).find("local") != std::string::npos);
  }
}

TEST_CASE("bad input: malformed exec requests are refused, the sandbox stays usable", "[bad_input][local]") {
  sbx::blocking::Client client("local");
  auto sandbox = client.create();
  CHECK_THROWS_AS(sandbox.exec(sbx::argv(std::vector<std::string>{})), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(sandbox.exec(sbx::argv{""}), sbx::SandboxConfigurationError);
  sbx::ExecOptions bad_env;
  bad_env.env["NOT VALID"] = "x";
  CHECK_THROWS_AS(sandbox.exec("true", bad_env), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(sandbox.run_code("print(1)", "no-such-language-xyz"), sbx::SandboxError);
  CHECK(sandbox.exec("echo still here").std_out == "still here\n");
}

TEST_CASE("bad input: output beyond max_output_bytes is cut at the bound and flagged", "[bad_input][local]") {
  sbx::blocking::Client client("local");
  auto sandbox = client.create();
  sbx::ExecOptions bounded;
  bounded.max_output_bytes = 1 << 20;
  // 20 MiB on stdout and 3 MiB on stderr; the command runs to its end (exit 7).
  const auto result = sandbox.exec("head -c 20971520 /dev/zero; head -c 3145728 /dev/zero >&2; exit 7", bounded);
  CHECK(result.std_out.size() == bounded.max_output_bytes);
  CHECK(result.std_err.size() == bounded.max_output_bytes);
  CHECK(result.output_truncated);
  CHECK(result.exit_code == 7);
  CHECK_FALSE(result.timed_out);

  const auto under = sandbox.exec("head -c 1000 /dev/zero", bounded);
  CHECK(under.std_out.size() == 1000);
  CHECK_FALSE(under.output_truncated);
}

TEST_CASE("bad input: 150 MiB of output arrives whole under the default bound", "[bad_input][local]") {
  sbx::blocking::Client client("local");
  auto sandbox = client.create();
  const auto result = sandbox.exec("head -c 157286400 /dev/zero | tr '\\0' x");
  CHECK(result.exit_code == 0);
  CHECK(result.std_out.size() == 157286400);
  CHECK_FALSE(result.output_truncated);
  CHECK(result.std_out.find_first_not_of('x') == std::string::npos);
}

TEST_CASE("bad input: non-UTF-8 file names and output bytes survive", "[bad_input][local]") {
  sbx::blocking::Client client("local");
  auto sandbox = client.create();
  const std::string name = "bad-\xff\xfe-\xc3(.txt";
  const std::string content("content \xff\x00\x80 end", 16);
  sandbox.write_file(name, content);
  CHECK(sandbox.read_file(name) == content);
  bool listed = false;
  for (const auto& entry : sandbox.list_files("."))
    listed = listed || entry.path == sandbox.async().workdir() + "/" + name;
  CHECK(listed);
  const auto out = sandbox.exec(sbx::argv{"printf", "\\377\\376\\300"});
  CHECK(out.std_out == "\xff\xfe\xc0");
}

TEST_CASE("bad input: upload_dir skips symlinks leading out of the tree, download_dir stays inside", "[bad_input][local]") {
  temp_dir local;
  const auto tree = local.path / "tree";
  fs::create_directories(tree / "sub");
  std::ofstream(tree / "sub" / "kept.txt") << "kept";
  fs::create_symlink("/etc/passwd", tree / "passwd-link");
  fs::create_directory_symlink("/etc", tree / "etc-link");
  fs::create_symlink("../../outside", tree / "sub" / "dotdot-link");

  sbx::blocking::Client client("local");
  auto sandbox = client.create();
  CHECK(sandbox.upload_dir(tree, "in") == 1);
  std::vector<std::string> names;
  for (const auto& entry : sandbox.list_files("in")) names.push_back(fs::path(entry.path).filename().string());
  CHECK(names == std::vector<std::string>{"sub"});
  CHECK_FALSE(sandbox.exec("test -e in/passwd-link || test -e in/etc-link").exit_code == 0);

  // A tree in the sandbox holding a link to the host's /etc is refused on download.
  sandbox.exec("mkdir -p out && echo x > out/file && ln -s /etc out/etc-link");
  const auto target = local.path / "download";
  CHECK_THROWS_AS(sandbox.download_dir("out", target), sbx::WorkspaceError);
  CHECK_FALSE(fs::exists(target / "etc-link"));
  CHECK_THROWS_AS(sandbox.upload_dir(local.path / "missing", "x"), sbx::SandboxConfigurationError);
}

TEST_CASE("bad input: garbage, truncated and non-HTTP provider answers are clear errors", "[bad_input][e2b]") {
  const std::vector<std::pair<std::string, std::string>> answers = {
      {"garbage body", "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\nnot json!"},
      {"wrong shape", "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"sandboxID\": 42}"},
      {"truncated body", "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"sandboxID\":\"sb"},
      {"not HTTP", "SSH-2.0-OpenSSH_9.6\r\n\x01\x02\x03 binary junk\r\n\r\n"},
      {"huge header", "HTTP/1.1 201 Created\r\nX-Junk: " + std::string(2 << 20, 'a') + "\r\n\r\n"},
  };
  for (const auto& [kind, answer] : answers) {
    INFO(kind);
    raw_server server(answer);
    sbx::blocking::Client client("e2b", e2b_options(server.url()));
    try {
      client.create();
      FAIL("a create succeeded against " << kind);
    } catch (const sbx::SandboxError& e) {
      const std::string message = e.what();
      INFO(message);
      CHECK_FALSE(message.empty());
      CHECK(message.find("bad_input_key") == std::string::npos);
    }
  }
}

TEST_CASE("bad input: an envd answering garbage fails the exec clearly and destroy still works",
          "[bad_input][e2b][fake]") {
  sbx_fake::fake_launcher fake(sbx_fake::fake_program("e2b"), {"--api-key", "bad_input_key"});
  raw_server envd("HTTP/1.1 200 OK\r\nContent-Type: application/connect+json\r\nContent-Length: 7\r\n\r\n\x00\x00\x00");
  auto options = e2b_options(fake.url());
  options.driver_options["envd_url"] = envd.url();
  sbx::blocking::Client client("e2b", options);
  auto sandbox = client.create();
  CHECK_THROWS_AS(sandbox.exec("echo hi"), sbx::SandboxError);
  CHECK_THROWS_AS(sandbox.read_file("x"), sbx::SandboxError);
  sandbox.destroy();
  CHECK(fake.live_sandboxes() == 0);
}
