// Leak-proof shutdown against a cloud (the E2B fake, which outlives the harness): a
// 200-sandbox `sbx fanout` stopped by SIGINT or SIGTERM leaves no sandbox; stopped by
// SIGKILL, what it left is removed by the next `sbx gc`. Every sandbox carries the
// provider-side lifetime backstop (the create's `timeout`).
#ifdef SBX_CLI_PROGRAM

#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
#include "owner_labels.hpp"
#include "shutdown_harness.hpp"

#include <boost/json/parse.hpp>

#include <filesystem>

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* api_key = "e2b_shutdown";

std::map<std::string, std::string> e2b_env(const sbx_fake::fake_launcher& fake) {
  return {{"E2B_API_URL", fake.url()}, {"E2B_SANDBOX_URL", fake.url()}, {"E2B_API_KEY", api_key}};
}

// The fake's sandboxes: each created with the driver's default 600 s lifetime (the
// provider kills it then even if nobody else does) and the owner labels naming `owner`.
void check_backstops(const sbx_fake::fake_launcher& fake, pid_t owner) {
  const auto response = sbx_fake::plain_request(fake.url(), "GET", "/sandboxes", {}, {{"X-API-Key", api_key}});
  REQUIRE(response.status == 200);
  const auto sandboxes = json::parse(response.body).as_array();
  REQUIRE_FALSE(sandboxes.empty());
  for (const auto& item : sandboxes) {
    const auto& sandbox = item.as_object();
    const auto started = sbx::detail::parse_utc(sandbox.at("startedAt").as_string());
    const auto ends = sbx::detail::parse_utc(sandbox.at("endAt").as_string());
    REQUIRE(started);
    REQUIRE(ends);
    const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(*ends - *started).count();
    CHECK(lifetime >= 599);
    CHECK(lifetime <= 601);
    const auto& labels = sandbox.at("metadata").as_object();
    CHECK(labels.at(sbx::detail::label_pid).as_string() == std::to_string(owner));
    CHECK(labels.contains(sbx::detail::label_expires_at));
  }
}

// Waits until the fake has created nothing new for a second (requests the killed
// harness left in flight have been answered).
void wait_until_settled(const sbx_fake::fake_launcher& fake) {
  auto created = fake.stats().at("created").as_int64();
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(1s);
    const auto now = fake.stats().at("created").as_int64();
    if (now == created) return;
    created = now;
  }
}

void stop_fanout_with(int signal_number) {
  sbx_fake::fake_launcher fake(sbx_fake::fake_program("e2b"), {"--api-key", api_key});
  const auto report = (std::filesystem::temp_directory_path() /
                       ("sbx-shutdown-e2b-" + std::to_string(::getpid()) + ".json")).string();
  sbx_test::child_process harness(sbx_test::fanout_command("e2b", 200), e2b_env(fake), report);
  INFO("harness pid " << harness.pid() << ", " << sbx_test::signal_name(signal_number));
  REQUIRE(sbx_test::eventually([&] { return fake.live_sandboxes() >= 20; }, 60s));
  check_backstops(fake, harness.pid());

  harness.signal(signal_number);
  const auto status = harness.wait(90s);
  REQUIRE(status);
  sbx_test::check_stopped_by(*status, signal_number);
  if (signal_number != SIGKILL) {
    const auto summary = json::parse(sbx_test::file_text(report)).as_object();
    INFO("report " << summary);
    CHECK(summary.at("interrupted").as_bool());
    CHECK(summary.at("cleaned_up").to_number<std::int64_t>() >= 20);
    CHECK(fake.live_sandboxes() == 0);
    std::filesystem::remove(report);
    return;
  }
  std::filesystem::remove(report);
  wait_until_settled(fake);
  const auto left = fake.live_sandboxes();
  INFO("SIGKILL left " << left << " sandboxes");
  CHECK(left >= 20);
  sbx_test::run_gc("e2b", e2b_env(fake), 60s);
  CHECK(fake.live_sandboxes() == 0);
}

}  // namespace

TEST_CASE("shutdown: e2b fan-out of 200 stopped by SIGINT leaves no sandbox", "[shutdown][e2b][fake]") {
  stop_fanout_with(SIGINT);
}

TEST_CASE("shutdown: e2b fan-out of 200 stopped by SIGTERM leaves no sandbox", "[shutdown][e2b][fake]") {
  stop_fanout_with(SIGTERM);
}

TEST_CASE("shutdown: e2b fan-out of 200 killed by SIGKILL is cleaned by sbx gc", "[shutdown][e2b][fake]") {
  stop_fanout_with(SIGKILL);
}

#endif  // SBX_CLI_PROGRAM
