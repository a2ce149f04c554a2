// Finding the Ray exec agent's readiness line in a job log.
#include "drivers/ray/agent_ready.hpp"

#include "sbx/errors.hpp"

#include <catch2/catch.hpp>

using namespace sbx::drivers::ray;

TEST_CASE("the readiness line is found after Ray's own log lines", "[ray]") {
  const auto address = parse_ready_line(
      "2026-11-27 13:52:23,079\tINFO job_manager.py:581 -- Runtime env is setting up.\n"
      "Running entrypoint for job sbx-1: exec 'python3' 'sbx_ray_agent.py'\n"
      "SBX_AGENT_READY {\"host\": \"192.0.2.2\", \"port\": 41234, \"workdir\": \"/tmp/sbx-ray/sbx-1/work\", "
      "\"scratch\": \"/tmp/sbx-ray/sbx-1/tmp\"}\n");
  REQUIRE(address);
  CHECK(*address == agent_address{.host = "192.0.2.2", .port = 41234, .workdir = "/tmp/sbx-ray/sbx-1/work",
                                  .scratch = "/tmp/sbx-ray/sbx-1/tmp"});
  CHECK(address->url() == "http://192.0.2.2:41234");
}

TEST_CASE("no readiness line yet is not an error", "[ray]") {
  CHECK_FALSE(parse_ready_line(""));
  CHECK_FALSE(parse_ready_line("Runtime env is setting up.\n"));
  // A line still being written is not read.
  CHECK_FALSE(parse_ready_line("SBX_AGENT_READY {\"host\": \"127.0.0.1\", \"po"));
  // The marker counts only at the start of a line.
  CHECK_FALSE(parse_ready_line("echo SBX_AGENT_READY {}\n"));
}

TEST_CASE("a malformed readiness line fails the create", "[ray]") {
  const auto bad = [](std::string json) { return parse_ready_line("SBX_AGENT_READY " + json + "\n"); };
  CHECK_THROWS_AS(bad("not json"), sbx::SandboxCreationError);
  CHECK_THROWS_AS(bad(R"({"port": 1, "workdir": "/w", "scratch": "/s"})"), sbx::SandboxCreationError);
  CHECK_THROWS_AS(bad(R"({"host": "h", "port": 70000, "workdir": "/w", "scratch": "/s"})"),
                  sbx::SandboxCreationError);
  CHECK_THROWS_AS(bad(R"({"host": "h", "port": 1, "workdir": "w", "scratch": "/s"})"), sbx::SandboxCreationError);
}

TEST_CASE("IPv6 agent hosts are bracketed in URLs", "[ray]") {
  CHECK(agent_address{.host = "fd00::5", .port = 80}.url() == "http://[fd00::5]:80");
}
