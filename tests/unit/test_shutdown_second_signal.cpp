// A second SIGINT during the graceful cleanup ends the harness at once with status 130,
// abandoning the cleanup; what it had not destroyed yet is removed by the next `sbx gc`.
// The cleanup is made endless by the E2B fake: once the sandboxes are alive, its
// control plane (/sandboxes, where destroys go) stops answering, so the harness can
// only have ended because of the second signal.
#ifdef SBX_CLI_PROGRAM

#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
#include "shutdown_harness.hpp"

#include <filesystem>

using namespace std::chrono_literals;

namespace {

constexpr const char* api_key = "e2b_second_signal";

std::map<std::string, std::string> harness_env(const sbx_fake::fake_launcher& fake) {
  return {{"E2B_API_URL", fake.url()}, {"E2B_SANDBOX_URL", fake.url()}, {"E2B_API_KEY", api_key}, {"SBX_LOG", "info"}};
}

std::int64_t hung_requests(const sbx_fake::fake_launcher& fake) {
  return fake.stats().at("faults").as_object().at("hang").to_number<std::int64_t>();
}

// Runs `argv` (a harness that keeps `sandboxes` sandboxes busy), interrupts it, makes
// its cleanup hang, interrupts it again, and checks the exit and what gc does after.
void second_signal_during_cleanup(std::vector<std::string> argv, std::int64_t sandboxes) {
  sbx_fake::fake_launcher fake(sbx_fake::fake_program("e2b"), {"--api-key", api_key});
  const auto log = (std::filesystem::temp_directory_path() /
                    ("sbx-second-signal-" + std::to_string(::getpid()) + ".log")).string();
  sbx_test::child_process harness(std::move(argv), harness_env(fake), "/dev/null", log);
  INFO("harness pid " << harness.pid());
  REQUIRE(sbx_test::eventually([&] { return fake.live_sandboxes() >= sandboxes; }, 60s));

  fake.set_faults({{"rate_hang", 1}, {"paths", boost::json::array{"/sandboxes"}}});
  harness.signal(SIGINT);
  // The cleanup is under way: a destroy reached the fake and hangs there.
  REQUIRE(sbx_test::eventually([&] { return hung_requests(fake) >= 1; }, 60s));
  harness.signal(SIGINT);

  const auto status = harness.wait(60s);
  REQUIRE(status);  // without the second signal the harness would still be destroying
  sbx_test::check_stopped_by(*status, SIGINT);
  const auto text = sbx_test::file_text(log);
  INFO("harness stderr:\n" << text);
  CHECK(text.find("second signal: exiting without finishing the cleanup") != std::string::npos);
  std::filesystem::remove(log);
  CHECK(fake.live_sandboxes() == sandboxes);  // nothing was destroyed: all is left for gc

  fake.set_faults({});
  sbx_test::run_gc("e2b", harness_env(fake), 60s);
  CHECK(fake.live_sandboxes() == 0);
}

}  // namespace

TEST_CASE("shutdown: a second SIGINT during a fan-out's cleanup exits at once with 130, sbx gc removes the rest",
          "[shutdown][e2b][fake]") {
  second_signal_during_cleanup(sbx_test::fanout_command("e2b", 5), 5);
}

TEST_CASE("shutdown: a second SIGINT while sbx exec destroys its sandbox exits at once with 130, sbx gc removes it",
          "[shutdown][e2b][fake]") {
  second_signal_during_cleanup({SBX_CLI_PROGRAM, "exec", "--backend", "e2b", "--", "sleep", "60"}, 1);
}

#endif  // SBX_CLI_PROGRAM
