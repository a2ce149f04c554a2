// The docker driver against a canned Podman compat service on a unix socket: Podman's
// ping headers, the negotiated version prefix, exec start needing both upgrade headers,
// the exit-code race, URL-safe stat headers, 500 for a stopped container, and commit
// ids without "sha256:". (Podman is not installed here; the answers follow its sources
// as summarised in specs/docker-engine-api.md §5.)
#include "drivers/docker/file_tar.hpp"
#include "test_http_loopback.hpp"

#include "sbx/sbx.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

namespace {

using namespace sbx_http_test;
namespace json = boost::json;

std::string frame(char type, const std::string& payload) {
  const auto n = static_cast<std::uint32_t>(payload.size());
  return std::string{type, 0, 0, 0, static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                     static_cast<char>(n)} +
         payload;
}

// What the fake saw.
struct podman_log {
  std::vector<std::string> targets;
  json::object exec_body;
  bool upgrade_headers = false;
  int inspections = 0;
};

handler fake_podman(podman_log& log) {
  return [&log](exchange& ex) -> asio::awaitable<void> {
    const std::string target(ex.req.target());
    log.targets.push_back(std::string(bhttp::to_string(ex.req.method())) + " " + target);
    if (target == "/_ping") {
      co_await ex.respond(200, "OK",
                          "API-Version: 1.41\r\nLibpod-API-Version: 5.2.0\r\nServer: Libpod/5.2.0 (linux)\r\n");
    } else if (target == "/v1.41/containers/abc/json") {
      co_await ex.respond(200, R"({"Id":"abc","State":{"Running":true},"Config":{"WorkingDir":"/home/app","User":"app"}})");
    } else if (target == "/v1.41/containers/abc/exec") {
      log.exec_body = json::parse(ex.req.body()).as_object();
      co_await ex.respond(201, R"({"Id":"e1"})");
    } else if (target == "/v1.41/exec/e1/start") {
      log.upgrade_headers = ex.req[bhttp::field::connection] == "Upgrade" && ex.req[bhttp::field::upgrade] == "tcp";
      co_await ex.write("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                        "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n" +
                        frame(1, "hi ") + frame(2, "err\n") + frame(1, "there\n"));
      ex.close = true;
    } else if (target == "/v1.41/exec/e1/json") {
      // Podman may report the exec still running, without a code, just after EOF.
      co_await ex.respond(200, ++log.inspections == 1 ? R"({"ID":"e1","Running":true,"ExitCode":null})"
                                                      : R"({"ID":"e1","Running":false,"ExitCode":3})");
    } else if (target.starts_with("/v1.41/containers/abc/archive?path=%2Fhome%2Fapp%2Fnote.txt")) {
      // {"name":"note.txt","size":5,"mode":420,"mtime":"x","linkTarget":"","isDir":false}, URL-safe base64.
      co_await ex.respond(200, sbx::drivers::docker::file_archive("note.txt", "hello", 0644, 0),
                          "X-Docker-Container-Path-Stat: "
                          "eyJuYW1lIjoibm90ZS50eHQiLCJzaXplIjo1LCJtb2RlIjo0MjAsIm10aW1lIjoieCIsImxpbmtUYXJnZXQiOiIiLCJpc0RpciI6ZmFsc2V9\r\n"
                          "Content-Type: application/x-tar\r\n");
    } else if (target.starts_with("/v1.41/commit?container=abc")) {
      co_await ex.respond(201, R"({"Id":"0123abcd"})");
    } else if (target == "/v1.41/containers/stopped/json") {
      co_await ex.respond(200, R"({"Id":"stopped","State":{"Running":true},"Config":{"WorkingDir":"/"}})");
    } else if (target == "/v1.41/containers/stopped/exec") {
      co_await ex.respond(500, R"({"cause":"container state improper","message":"can only create exec sessions on running containers: container state improper","response":500})");
    } else {
      co_await ex.respond(404, R"({"cause":"no such object","message":"unexpected request","response":404})");
    }
  };
}

sbx::ClientOptions options_for(const loopback_server& server) {
  sbx::ClientOptions options;
  options.driver_options["host"] = server.url;
  return options;
}

}  // namespace

TEST_CASE("docker driver on Podman: versioned calls, exec, exit-code race, files, commit", "[docker][podman]") {
  asio::io_context ctx;
  const auto path = temp_socket_path("podman");
  podman_log log;
  auto server = loopback_server::unix_socket(ctx, path, fake_podman(log));
  sbx::ExecResult result;
  std::string note;
  sbx::SnapshotInfo snapshot;
  std::string workdir;
  // Built outside the coroutine: GCC 12 mishandles braced initialisers in coroutine frames.
  const sbx::SessionState saved{"docker", {{"container_id", "abc"}}};
  const sbx::argv command{"printf", "%s", "x"};
  run(ctx, [&]() -> asio::awaitable<void> {
    auto client = co_await sbx::Client::connect("docker", options_for(server));
    auto sb = co_await client.resume(saved);
    workdir = sb.workdir();
    result = co_await sb.exec(command);
    note = co_await sb.read_file("note.txt");
    snapshot = co_await sb.snapshot();
  }());
  CHECK(workdir == "/home/app");
  CHECK(result.std_out == "hi there\n");
  CHECK(result.std_err == "err\n");
  CHECK(result.exit_code == 3);
  CHECK(log.inspections == 2);
  CHECK(log.upgrade_headers);
  CHECK(log.exec_body.at("Cmd") == json::parse(R"(["/bin/sh", "-c", "exec \"$@\"", "sh", "printf", "%s", "x"])"));
  CHECK(log.exec_body.at("WorkingDir") == "/home/app");
  const auto& env = log.exec_body.at("Env").as_array();
  REQUIRE(env.size() == 1);
  CHECK(std::string(env[0].as_string()).starts_with("SBX_EXEC_ID="));
  CHECK(note == "hello");
  CHECK(snapshot.snapshot_id == "0123abcd");
  CHECK(snapshot.backend == "docker");
  CHECK(log.targets.front() == "GET /_ping");
  std::filesystem::remove(path);
}

TEST_CASE("docker driver on Podman: exec on a stopped container is not-found, not a 500", "[docker][podman]") {
  asio::io_context ctx;
  const auto path = temp_socket_path("podman-stopped");
  podman_log log;
  auto server = loopback_server::unix_socket(ctx, path, fake_podman(log));
  bool not_found = false;
  const sbx::SessionState saved{"docker", {{"container_id", "stopped"}}};
  run(ctx, [&]() -> asio::awaitable<void> {
    auto client = co_await sbx::Client::connect("docker", options_for(server));
    auto sb = co_await client.resume(saved);
    try {
      co_await sb.exec("true");
    } catch (const sbx::SandboxNotFoundError&) {
      not_found = true;
    }
  }());
  CHECK(not_found);
  std::filesystem::remove(path);
}
