// Leak-proof shutdown against a real Docker daemon: a 200-sandbox `sbx fanout` stopped
// by SIGINT or SIGTERM leaves no container labelled with its pid; killed by SIGKILL,
// what it left is removed by the next `sbx gc`. Every container carries the lifetime
// backstop (its keep-alive entrypoint sleeps for the sandbox lifetime, then the
// container exits). Needs DOCKER_HOST (scripts/engines env) and $SBX_TEST_DOCKER_IMAGE;
// without a daemon the tests are skipped with a note, except with CI=true.
#ifdef SBX_CLI_PROGRAM

#include "owner_labels.hpp"
#include "shutdown_harness.hpp"

#include <boost/json/parse.hpp>

#include <filesystem>

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// The image to run, or empty (with a warning) when Docker is unavailable outside CI.
std::string docker_image_or_skip() {
  const char* image = std::getenv("SBX_TEST_DOCKER_IMAGE");
  std::string reason;
  if (!image || !*image) reason = "SBX_TEST_DOCKER_IMAGE is not set (eval \"$(scripts/engines env)\")";
  else if (std::system("docker info >/dev/null 2>&1") != 0) reason = "no Docker daemon answers (DOCKER_HOST)";
  if (reason.empty()) return image;
  if (sbx_test::in_ci()) FAIL("docker shutdown test cannot run with CI=true: " << reason);
  WARN("skipped: " << reason);
  return {};
}

// Ids of the containers (any state) whose owner label names `owner` on this host.
std::vector<std::string> containers_of(pid_t owner) {
  return sbx_test::words(sbx_test::command_output(
      "docker ps -aq --filter label=" + std::string(sbx::detail::label_pid) + "=" + std::to_string(owner) +
      " --filter label=" + sbx::detail::label_host + "=" + sbx::detail::host_name()));
}

// Every container of `owner`: its keep-alive entrypoint ends after the 600 s default
// lifetime, and the expiry is labelled for `sbx gc`.
void check_backstops(pid_t owner) {
  const auto ids = containers_of(owner);
  REQUIRE_FALSE(ids.empty());
  std::string command = "docker inspect --format '{{json .Config.Entrypoint}}|{{index .Config.Labels \"" +
                        std::string(sbx::detail::label_expires_at) + "\"}}'";
  for (const auto& id : ids) command += " " + id;
  std::istringstream lines(sbx_test::command_output(command));
  std::size_t inspected = 0;
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.find("sleep 600") != std::string::npos);
    CHECK(line.substr(line.find('|') + 1).size() > 1);
    ++inspected;
  }
  CHECK(inspected > 0);  // containers may go between the two calls; the rest are checked
}

// Waits until the set of `owner`'s containers stops changing for two seconds (creates
// the killed harness left in flight have been finished by the daemon).
void wait_until_settled(pid_t owner) {
  auto last = containers_of(owner);
  for (int stable = 0, i = 0; stable < 4 && i < 120; ++i) {
    std::this_thread::sleep_for(500ms);
    auto now = containers_of(owner);
    stable = now == last ? stable + 1 : 0;
    last = std::move(now);
  }
}

void stop_fanout_with(int signal_number) {
  const auto image = docker_image_or_skip();
  if (image.empty()) return;
  const auto report = (std::filesystem::temp_directory_path() /
                       ("sbx-shutdown-docker-" + std::to_string(::getpid()) + ".json")).string();
  sbx_test::child_process harness(sbx_test::fanout_command("docker", 200, {"--image", image}), {}, report);
  const auto owner = harness.pid();
  INFO("harness pid " << owner << ", " << sbx_test::signal_name(signal_number));
  REQUIRE(sbx_test::eventually([&] { return containers_of(owner).size() >= 10; }, 90s));
  check_backstops(owner);

  harness.signal(signal_number);
  const auto status = harness.wait(100s);
  REQUIRE(status);
  sbx_test::check_stopped_by(*status, signal_number);
  if (signal_number != SIGKILL) {
    const auto summary = json::parse(sbx_test::file_text(report)).as_object();
    INFO("report " << summary);
    CHECK(summary.at("interrupted").as_bool());
    CHECK(containers_of(owner).empty());
    std::filesystem::remove(report);
    return;
  }
  std::filesystem::remove(report);
  wait_until_settled(owner);
  INFO("SIGKILL left " << containers_of(owner).size() << " containers");
  CHECK_FALSE(containers_of(owner).empty());
  sbx_test::run_gc("docker", {}, 100s);
  CHECK(containers_of(owner).empty());
}

}  // namespace

TEST_CASE("shutdown: docker fan-out of 200 stopped by SIGINT leaves no container", "[shutdown][docker]") {
  stop_fanout_with(SIGINT);
}

TEST_CASE("shutdown: docker fan-out of 200 stopped by SIGTERM leaves no container", "[shutdown][docker]") {
  stop_fanout_with(SIGTERM);
}

TEST_CASE("shutdown: docker fan-out of 200 killed by SIGKILL is cleaned by sbx gc", "[shutdown][docker]") {
  stop_fanout_with(SIGKILL);
}

#endif  // SBX_CLI_PROGRAM
