// Docker driver: request builders, version negotiation and the daemon address (pure).
#include "drivers/docker/api_version.hpp"
#include "drivers/docker/daemon_url.hpp"
#include "drivers/docker/requests.hpp"
#include "drivers/docker/tree_kill.hpp"
#include "http/fields.hpp"
#include "sbx/errors.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace dk = sbx::drivers::docker;
namespace json = boost::json;

TEST_CASE("docker create body: limits, network, env, labels, lifetime", "[docker][requests]") {
  dk::container_spec spec{
      .image = "sbx-test/python:1",
      .workdir = "/workspace",
      .lifetime_secs = 42,
      .cpu = 1.5,
      .memory_mb = 768,
      .allow_internet = false,
      .env = {{"A", "1"}, {"B", "it's \"b\"\nline"}},
      .labels = {{"sbx.library", "sbx"}, {"sbx.pid", "123"}},
  };
  const auto body = dk::create_body(spec);
  CHECK(body.at("Image") == "sbx-test/python:1");
  CHECK(body.at("WorkingDir") == "/workspace");
  CHECK(body.at("Env") == json::parse(R"(["A=1", "B=it's \"b\"\nline"])"));
  CHECK(body.at("Labels") == json::parse(R"({"sbx.library": "sbx", "sbx.pid": "123"})"));
  CHECK(body.at("Cmd").as_array().empty());
  CHECK(body.at("Tty") == false);
  const auto& entrypoint = body.at("Entrypoint").as_array();
  REQUIRE(entrypoint.size() == 3);
  CHECK(entrypoint[0] == "/bin/sh");
  CHECK(entrypoint[1] == "-c");
  CHECK(std::string(entrypoint[2].as_string()).find("sleep 42 & wait") != std::string::npos);
  const auto& host = body.at("HostConfig").as_object();
  CHECK(host.at("NanoCpus").as_int64() == 1'500'000'000);
  CHECK(host.at("Memory").as_int64() == 768LL * 1024 * 1024);
  CHECK(host.at("NetworkMode") == "none");
  CHECK(host.at("AutoRemove") == true);
  CHECK_FALSE(host.contains("CpuPeriod"));  // NanoCpus and CpuPeriod/CpuQuota conflict

  spec.allow_internet = true;
  CHECK_FALSE(dk::create_body(spec).at("HostConfig").as_object().contains("NetworkMode"));
}

TEST_CASE("docker create body: backend_options merge last, objects key by key", "[docker][requests]") {
  dk::container_spec spec{.image = "img", .workdir = "/w"};
  spec.backend_options = json::parse(R"({"Hostname": "box", "Image": "other",
      "HostConfig": {"ShmSize": 67108864, "AutoRemove": false}})").as_object();
  const auto body = dk::create_body(spec);
  CHECK(body.at("Hostname") == "box");
  CHECK(body.at("Image") == "other");
  const auto& host = body.at("HostConfig").as_object();
  CHECK(host.at("ShmSize") == 67108864);
  CHECK(host.at("AutoRemove") == false);
  CHECK(host.contains("NanoCpus"));  // kept: only named keys are replaced
}

TEST_CASE("docker exec body: attach flags, env, working directory", "[docker][requests]") {
  const auto body = dk::exec_create_body({"printf", "%s", "a b"}, {{"X", "y z"}}, "/work dir", true);
  CHECK(body.at("AttachStdin") == true);
  CHECK(body.at("AttachStdout") == true);
  CHECK(body.at("AttachStderr") == true);
  CHECK(body.at("Tty") == false);
  CHECK(body.at("Cmd") == json::parse(R"(["printf", "%s", "a b"])"));
  CHECK(body.at("Env") == json::parse(R"(["X=y z"])"));
  CHECK(body.at("WorkingDir") == "/work dir");
  CHECK_FALSE(dk::exec_create_body({"true"}, {}, "", false).contains("WorkingDir"));
}

TEST_CASE("docker label filter is percent-encoded JSON", "[docker][requests]") {
  const auto target = dk::list_by_label_target("sbx.library", "sbx");
  CHECK(target == "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22sbx.library%3Dsbx%22%5D%7D");
}

TEST_CASE("docker image references split as the pull endpoint wants", "[docker][requests]") {
  CHECK(dk::split_image_reference("python").repository == "python");
  CHECK(dk::split_image_reference("python").tag == "latest");
  CHECK(dk::split_image_reference("python:3.12-slim").tag == "3.12-slim");
  const auto with_port = dk::split_image_reference("registry:5000/team/app");
  CHECK(with_port.repository == "registry:5000/team/app");
  CHECK(with_port.tag == "latest");
  const auto both = dk::split_image_reference("registry:5000/team/app:v2");
  CHECK(both.repository == "registry:5000/team/app");
  CHECK(both.tag == "v2");
  const auto digest = dk::split_image_reference("app@sha256:abc");
  CHECK(digest.repository == "app@sha256:abc");
  CHECK(digest.tag.empty());
  CHECK(dk::pull_target(both) == "/images/create?fromImage=registry%3A5000%2Fteam%2Fapp&tag=v2");
  CHECK(dk::pull_target(digest) == "/images/create?fromImage=app%40sha256%3Aabc");
  CHECK(dk::image_path("sbx-test/python:1") == "sbx-test/python:1");
  CHECK(dk::query_value("a b/&=") == "a%20b%2F%26%3D");
}

TEST_CASE("docker version negotiation takes the lower of daemon and driver", "[docker][version]") {
  sbx::http::fields ping;
  ping.set("Api-Version", "1.41");
  ping.set("Server", "Docker/20.10.24+dfsg1 (linux)");
  auto facts = dk::negotiate_version(ping);
  CHECK(facts.version == dk::api_version{1, 41});
  CHECK(facts.version.prefix() == "/v1.41");
  CHECK(facts.flavor == dk::engine_flavor::docker);

  ping.set("Api-Version", "1.52");
  CHECK(dk::negotiate_version(ping).version == dk::max_api_version);

  sbx::http::fields missing;
  CHECK(dk::negotiate_version(missing).version == dk::min_api_version);

  sbx::http::fields too_old;
  too_old.set("Api-Version", "1.24");
  CHECK_THROWS_AS(dk::negotiate_version(too_old), sbx::BackendNotInstalledError);

  CHECK(dk::parse_api_version("v1.44") == dk::api_version{1, 44});
  CHECK_FALSE(dk::parse_api_version("1").has_value());
  CHECK_FALSE(dk::parse_api_version("1.x").has_value());
  CHECK(dk::api_version{1, 9} < dk::api_version{1, 10});
}

TEST_CASE("docker version negotiation recognises Podman's ping headers", "[docker][version][podman]") {
  sbx::http::fields ping;  // as Podman 5.x answers GET /_ping
  ping.set("API-Version", "1.41");
  ping.set("Libpod-API-Version", "5.2.0");
  ping.set("Libpod-Buildah-Version", "1.37.0");
  ping.set("Server", "Libpod/5.2.0 (linux)");
  const auto facts = dk::negotiate_version(ping);
  CHECK(facts.flavor == dk::engine_flavor::podman);
  CHECK(facts.version == dk::api_version{1, 41});

  sbx::http::fields server_only;
  server_only.set("Server", "Libpod/4.3.1 (linux)");
  server_only.set("Api-Version", "1.44");
  CHECK(dk::negotiate_version(server_only).flavor == dk::engine_flavor::podman);
}

TEST_CASE("docker daemon address: option, DOCKER_HOST, default", "[docker][address]") {
  CHECK(dk::daemon_url({}) == "unix:///var/run/docker.sock");
  CHECK(dk::daemon_url({.env_host = "unix:///run/podman/podman.sock"}) == "unix:///run/podman/podman.sock");
  CHECK(dk::daemon_url({.option_host = "unix:///x.sock", .env_host = "unix:///y.sock"}) == "unix:///x.sock");
  CHECK(dk::daemon_url({.option_host = "", .env_host = "tcp://10.0.0.2:2375"}) == "http://10.0.0.2:2375");
  CHECK(dk::daemon_url({.env_host = "tcp://docker.internal"}) == "http://docker.internal:2375");
  CHECK(dk::daemon_url({.env_host = "tcp://[::1]"}) == "http://[::1]:2375");
  CHECK(dk::daemon_url({.env_host = "tcp://[::1]:2376/"}) == "http://[::1]:2376/");
  CHECK_THROWS_AS(dk::daemon_url({.env_host = "ssh://me@host"}), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(dk::daemon_url({.env_host = "tcp://h:2376", .env_tls_verify = true}),
                  sbx::SandboxConfigurationError);
}

TEST_CASE("docker exec kill script finds processes by their environment marker", "[docker][exec]") {
  const auto& script = dk::kill_tree_script();
  CHECK(script.find(std::string(dk::exec_marker_variable) + "=$1") != std::string::npos);
  CHECK(script.find("/proc/[0-9]*/environ") != std::string::npos);
  CHECK(script.find("kill -9 \"-$3\"") != std::string::npos);  // the process group, then the pid
  CHECK(script.find("kill -9 --") == std::string::npos);       // dash's kill rejects "--"
}
