// Reliability: with 10% of the fake's answers being 429s, 503s, resets before and
// after processing, a 1,000-sandbox fan-out on one thread ends with every sandbox
// destroyed (the fake's live count back at zero).
#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
#include "sbx/sbx.hpp"
#include "support/run.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

namespace asio = boost::asio;
using sbx::awaitable;

namespace {

struct tally {
  int created = 0;
  int create_failed = 0;
  int exec_failed = 0;
  int destroy_failed = 0;
};

awaitable<void> one_sandbox(sbx::Client& client, tally& t) {
  std::optional<sbx::Sandbox> sb;
  try {
    sb.emplace(co_await client.create());
    ++t.created;
  } catch (const sbx::SandboxError&) {
    ++t.create_failed;
    co_return;
  }
  try {
    co_await sb->exec("echo hi");
  } catch (const sbx::SandboxError&) {
    ++t.exec_failed;  // a Start whose answer was lost is not replayed: commands have effects
  }
  try {
    co_await sb->destroy();
  } catch (const sbx::SandboxError&) {
    ++t.destroy_failed;
  }
}

awaitable<void> fan_out(sbx::Client& client, int count, tally& t) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer all_done(executor, std::chrono::steady_clock::time_point::max());
  int left = count;
  for (int i = 0; i < count; ++i)
    asio::co_spawn(executor, one_sandbox(client, t), [&](std::exception_ptr) {
      if (--left == 0) all_done.cancel();
    });
  co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace

TEST_CASE("e2b reliability: 1,000 sandboxes through 10% faults all end destroyed", "[e2b][fake][reliability]") {
  sbx_fake::fake_launcher fake(sbx_fake::fake_program("e2b"),
                               {"--echo", "--api-key", "e2b_reliability", "--retry-after", "0", "--rate-429", "0.03",
                                "--rate-5xx", "0.03", "--status-5xx", "503", "--rate-reset", "0.02", "--rate-drop",
                                "0.02", "--seed", "42"});
  sbx::ClientOptions options;
  options.driver_options = {{"api_url", fake.url()},  {"envd_url", fake.url()},    {"api_key", "e2b_reliability"},
                            {"create_rate", 0},       {"max_running", 0},          {"retry_attempts", 8},
                            {"retry_base_delay_ms", 2}};
  tally t;
  const auto started = std::chrono::steady_clock::now();
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("e2b", options);
    co_await fan_out(client, 1000, t);
  }());
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto stats = fake.stats();
  const auto& faults = stats.at("faults").as_object();
  INFO("created " << t.created << ", create failures " << t.create_failed << ", exec failures " << t.exec_failed
                  << ", destroy failures " << t.destroy_failed << ", " << seconds << " s, fake: " << stats);
  CHECK(t.created + t.create_failed == 1000);
  CHECK(t.create_failed <= 5);
  CHECK(t.destroy_failed == 0);
  CHECK(faults.at("429").to_number<int>() > 0);
  CHECK(faults.at("reset").to_number<int>() > 0);
  CHECK(faults.at("drop").to_number<int>() > 0);
  CHECK(stats.at("live_sandboxes").to_number<int>() == 0);
  CHECK(stats.at("created").to_number<int>() == stats.at("removed").to_number<int>());
}
