// sbx::run_interruptible / interrupt_guard (include/sbx/shutdown.hpp): a signal cancels
// the harness's coroutine, and the sandboxes it was holding are destroyed before the
// call returns 130. Against the E2B fake, which counts the live sandboxes.
#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
#include "sbx/sbx.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <csignal>

namespace asio = boost::asio;
using sbx::awaitable;

namespace {

constexpr const char* api_key = "shutdown_interrupt";

sbx::ClientOptions e2b_options(const std::string& url) {
  sbx::ClientOptions options;
  options.driver_options = {{"api_url", url}, {"envd_url", url}, {"api_key", api_key}, {"create_rate", 0}};
  return options;
}

// Holds `count` sandboxes, sends itself `signal_number`, then waits forever.
awaitable<int> hold_sandboxes_until_signalled(std::string url, int count, int signal_number) {
  auto client = co_await sbx::Client::connect("e2b", e2b_options(url));
  std::vector<sbx::Sandbox> held;
  for (int i = 0; i < count; ++i) held.push_back(co_await client.create());
  std::raise(signal_number);
  asio::steady_timer forever(co_await asio::this_coro::executor, std::chrono::hours(1));
  co_await forever.async_wait(asio::use_awaitable);
  co_return 0;
}

}  // namespace

TEST_CASE("shutdown: interrupt_guard destroys the sandboxes a signalled harness held", "[shutdown][e2b][fake]") {
  sbx_fake::fake_launcher fake(sbx_fake::fake_program("e2b"), {"--api-key", api_key});
  const int signal_number = GENERATE(SIGINT, SIGTERM);
  INFO("signal " << signal_number);
  const auto status = sbx::run_interruptible(
      [&] { return hold_sandboxes_until_signalled(fake.url(), 5, signal_number); });
  CHECK(status == sbx::exit_interrupted);
  CHECK(fake.stats().at("created").as_int64() == 5);
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("shutdown: run_interruptible returns the harness's status or rethrows its error", "[shutdown]") {
  CHECK(sbx::run_interruptible([]() -> awaitable<int> { co_return 7; }) == 7);
  CHECK_THROWS_WITH(sbx::run_interruptible([]() -> awaitable<int> {
                      throw std::runtime_error("harness failed");
                      co_return 0;
                    }),
                    "harness failed");
}

TEST_CASE("shutdown: wait_for_dropped_sandboxes returns at once when nothing was dropped", "[shutdown]") {
  CHECK(sbx::run_interruptible([]() -> awaitable<int> {
          co_await sbx::wait_for_dropped_sandboxes();
          co_return 3;
        }) == 3);
}
