// Contract cases L1–L5: lifecycle.
#include "fixture.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

using namespace sbx_contract;
using namespace std::chrono_literals;
using sbx::Sandbox;

TEST_CASE("L1 destroy is idempotent and later operations fail clearly", "[contract][lifecycle]") {
  if (skip_unavailable()) return;
  sbx_test::run([]() -> awaitable<void> {
    auto client = co_await connect();
    auto sb = co_await create(client);
    CHECK(sb.is_alive());
    AWAIT_CHECK((co_await sb.exec("true")).exit_code == 0);
    co_await sb.destroy();
    CHECK_FALSE(sb.is_alive());
    co_await sb.destroy();
    try {
      co_await sb.exec("true");
      FAIL("exec after destroy did not throw");
    } catch (const sbx::SandboxError& e) {
      CHECK(std::string(e.what()) == "Sandbox has been destroyed");
    }
    AWAIT_CHECK(co_await throws(sb.read_file("x")));
  }());
}

TEST_CASE("L2 a create that fails after allocation leaves nothing behind", "[contract][lifecycle]") {
  if (skip_unavailable()) return;
  if (!backend().live_sandboxes) {
    WARN("no live-sandbox probe for " << backend().name);
    return;
  }
  const auto before = backend().live_sandboxes();
  sbx_test::run([]() -> awaitable<void> {
    auto client = co_await connect();
    sbx::CreateOptions failing;
    sbx::Preset preset{.name = "contract-failing-setup", .description = "setup that fails"};
    preset.setup_commands = {"exit 3"};
    sbx::register_preset(preset);
    failing.preset = preset.name;
    AWAIT_CHECK(co_await throws<sbx::SandboxCreationError>(create(client, std::move(failing))));
  }());
  CHECK(backend().live_sandboxes() == before);
}

TEST_CASE("L3 session state resumes from a new client with files and env", "[contract][lifecycle]") {
  if (skip_unavailable()) return;
  sbx::CreateOptions options;
  options.env_vars = {{"SBX_RESUME", "kept"}};
  with_sandbox(std::move(options), [](Sandbox& sb) -> awaitable<void> {
    if (!(co_await connect()).capabilities().resume) {
      CHECK_THROWS_AS(sb.session_state(), sbx::FeatureNotSupportedError);
      co_return;
    }
    co_await sb.write_file("state.txt", "persisted");
    const auto json = sb.session_state().to_json();
    auto other_client = co_await connect();
    auto resumed = co_await other_client.resume(sbx::SessionState::from_json(json));
    CHECK(resumed.id() == sb.id());
    AWAIT_CHECK(co_await resumed.read_file("state.txt") == "persisted");
    AWAIT_CHECK((co_await resumed.exec("printf %s \"$SBX_RESUME\"")).std_out == "kept");
  });
}

TEST_CASE("L4 sweep removes orphans only, never a live sandbox of this process", "[contract][lifecycle]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    auto client = co_await connect();
    if (!client.capabilities().sweep) {
      AWAIT_CHECK(co_await throws<sbx::FeatureNotSupportedError>(client.sweep()));
      co_return;
    }
    const auto report = co_await client.sweep();
    CHECK(std::find(report.removed.begin(), report.removed.end(), sb.id()) == report.removed.end());
    AWAIT_CHECK((co_await sb.exec("echo alive")).std_out == "alive\n");
  });
}

TEST_CASE("L5 a sandbox ends by itself after timeout_secs", "[contract][lifecycle]") {
  if (skip_unavailable()) return;
  sbx_test::run([]() -> awaitable<void> {
    auto client = co_await connect();
    // A remote backend's create can itself take seconds (a Ray job starts a Python
    // agent), and the lifetime runs from the request: give it room to come up first.
    const bool remote = client.capabilities().remote;
    sbx::CreateOptions options;
    options.timeout_secs = remote ? 10 : 2;
    auto sb = co_await create(client, std::move(options));
    AWAIT_CHECK((co_await sb.exec("true")).exit_code == 0);
    boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor, remote ? 16s : 6s);
    co_await wait.async_wait(boost::asio::use_awaitable);
    AWAIT_CHECK(co_await throws(sb.exec("true")));
    co_await sb.destroy();  // still idempotent after the provider ended it
  }());
}
