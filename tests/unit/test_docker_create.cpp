// The docker driver's create against a canned Docker daemon on a unix socket: a missing
// image is pulled (and a failed pull inside a 200 stream is an error), the create body
// carries limits, network mode, labels and the lifetime, and a container whose start
// fails is removed again.
#include "test_http_loopback.hpp"

#include "sbx/sbx.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

namespace {

using namespace sbx_http_test;
namespace json = boost::json;

struct daemon_log {
  std::vector<std::string> calls;
  json::object create_body;
  bool image_present = false;
};

// `pull_stream` is the body of the 200 answer to POST /images/create.
handler fake_docker(daemon_log& log, std::string pull_stream) {
  return [&log, pull_stream](exchange& ex) -> asio::awaitable<void> {
    const std::string target(ex.req.target());
    log.calls.push_back(std::string(bhttp::to_string(ex.req.method())) + " " + target);
    if (target == "/_ping") {
      co_await ex.respond(200, "OK", "Api-Version: 1.45\r\nServer: Docker/26.1.0 (linux)\r\n");
    } else if (target == "/v1.45/images/team/img:1/json") {
      if (log.image_present) {
        co_await ex.respond(200, R"({"Id":"sha256:i","Config":{"WorkingDir":"","User":""}})");
      } else {
        co_await ex.respond(404, R"({"message":"No such image: team/img:1"})");
      }
    } else if (target == "/v1.45/images/create?fromImage=team%2Fimg&tag=1") {
      log.image_present = pull_stream.find("error") == std::string::npos;
      co_await ex.respond(200, pull_stream, "Content-Type: application/json\r\n");
    } else if (target.starts_with("/v1.45/containers/create?name=sbx-")) {
      log.create_body = json::parse(ex.req.body()).as_object();
      co_await ex.respond(201, R"({"Id":"c1","Warnings":[]})");
    } else if (target == "/v1.45/containers/c1/start") {
      co_await ex.respond(400, R"({"message":"failed to create shim task: exec: \"/bin/sh\": no such file or directory"})");
    } else if (target == "/v1.45/containers/c1?force=true&v=true") {
      co_await ex.respond(204);
    } else {
      co_await ex.respond(404, R"({"message":"unexpected request"})");
    }
  };
}

sbx::CreateOptions request() {
  sbx::CreateOptions options;
  options.image = "team/img:1";
  options.cpu = 0.5;
  options.memory_mb = 256;
  options.allow_internet = false;
  options.timeout_secs = 90;
  options.env_vars = {{"K", "v"}};
  options.labels = {{"team", "a"}};
  options.backend_options = json::parse(R"({"Hostname":"box"})").as_object();
  return options;
}

// Runs a create against the fake; returns the error it failed with ("" when none).
std::string create_against(daemon_log& log, std::string pull_stream, const std::string& name) {
  asio::io_context ctx;
  const auto path = temp_socket_path(name);
  auto server = loopback_server::unix_socket(ctx, path, fake_docker(log, std::move(pull_stream)));
  sbx::ClientOptions client_options;
  client_options.driver_options["host"] = server.url;
  const auto options = request();
  std::string error;
  run(ctx, [&]() -> asio::awaitable<void> {
    auto client = co_await sbx::Client::connect("docker", client_options);
    try {
      co_await client.create(options);
    } catch (const sbx::SandboxCreationError& e) {
      error = e.what();
    }
  }());
  std::filesystem::remove(path);
  return error;
}

}  // namespace

TEST_CASE("docker create pulls a missing image and removes a container that cannot start", "[docker][create]") {
  daemon_log log;
  const auto error = create_against(
      log,
      "{\"status\":\"Pulling from team/img\",\"id\":\"1\"}\r\n"
      "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1,\"total\":2},\"id\":\"l1\"}\r\n"
      "{\"status\":\"Status: Downloaded newer image for team/img:1\"}\r\n",
      "create");
  CHECK_THAT(error, Catch::Contains("no such file or directory"));
  REQUIRE(log.calls.size() == 7);
  CHECK(log.calls[1] == "GET /v1.45/images/team/img:1/json");
  CHECK(log.calls[2] == "POST /v1.45/images/create?fromImage=team%2Fimg&tag=1");
  CHECK(log.calls[3] == "GET /v1.45/images/team/img:1/json");
  CHECK(log.calls[4].starts_with("POST /v1.45/containers/create?name=sbx-"));
  CHECK(log.calls[5] == "POST /v1.45/containers/c1/start");
  CHECK(log.calls[6] == "DELETE /v1.45/containers/c1?force=true&v=true");

  const auto& body = log.create_body;
  CHECK(body.at("Image") == "team/img:1");
  CHECK(body.at("WorkingDir") == "/workspace");  // the image sets none
  CHECK(body.at("Hostname") == "box");           // backend_options
  CHECK(body.at("Env") == json::parse(R"(["K=v"])"));
  const auto& labels = body.at("Labels").as_object();
  CHECK(labels.at("team") == "a");
  CHECK(labels.at("sbx.library") == "sbx");
  CHECK(labels.at("sbx.pid").as_string() == std::to_string(::getpid()));
  CHECK(labels.contains("sbx.expires_at"));
  const auto& host = body.at("HostConfig").as_object();
  CHECK(host.at("NanoCpus").as_int64() == 500'000'000);
  CHECK(host.at("Memory").as_int64() == 256LL << 20);
  CHECK(host.at("NetworkMode") == "none");
  CHECK(host.at("AutoRemove") == true);
  CHECK(std::string(body.at("Entrypoint").as_array()[2].as_string()).find("sleep 90") != std::string::npos);
}

TEST_CASE("docker create fails on an error inside a 200 pull stream and creates nothing", "[docker][create][pull]") {
  daemon_log log;
  const auto error = create_against(
      log,
      "{\"status\":\"Pulling from team/img\",\"id\":\"1\"}\n"
      "{\"errorDetail\":{\"message\":\"manifest for team/img:1 not found\"},\"error\":\"manifest for team/img:1 not found\"}\n",
      "pull");
  CHECK_THAT(error, Catch::Contains("pulling image team/img:1 failed: manifest for team/img:1 not found"));
  for (const auto& call : log.calls) CHECK_FALSE(call.starts_with("POST /v1.45/containers/create"));
}
