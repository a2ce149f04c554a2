// Contract cases O1–O4 (options) and P1–P3 (presets and workspace).
#include "fixture.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace sbx_contract;
using sbx::Sandbox;
namespace fs = std::filesystem;

namespace {

// A script that exits 0 when a TCP connection to 127.0.0.1:port succeeds.
std::string connect_script(unsigned short port) {
  const auto p = std::to_string(port);
  return "if command -v python3 >/dev/null 2>&1; then python3 -c 'import socket,sys; socket.create_connection((\"127.0.0.1\", " +
         p + "), 3)'; else (exec 3<>/dev/tcp/127.0.0.1/" + p + ") 2>/dev/null; fi";
}

}  // namespace

TEST_CASE("O1 allow_internet=false is enforced or refused", "[contract][options]") {
  if (skip_unavailable()) return;
  sbx_test::run([]() -> awaitable<void> {
    auto client = co_await connect();
    sbx::CreateOptions offline;
    offline.allow_internet = false;
    if (!client.capabilities().network_control) {
      AWAIT_CHECK(co_await throws<sbx::FeatureNotSupportedError>(create(client, std::move(offline))));
      co_return;
    }
    boost::asio::ip::tcp::acceptor listener(co_await boost::asio::this_coro::executor,
                                            {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto port = listener.local_endpoint().port();
    auto sb = co_await create(client, std::move(offline));
    const auto r = co_await sb.exec(connect_script(port));
    CHECK(r.exit_code != 0);
    co_await sb.destroy();
  }());
}

TEST_CASE("O2 cpu and memory requests are accepted and applied where supported", "[contract][options]") {
  if (skip_unavailable()) return;
  sbx::CreateOptions sized;
  sized.cpu = 1.5;
  sized.memory_mb = 768;
  with_sandbox(std::move(sized), [](Sandbox& sb) -> awaitable<void> {
    AWAIT_CHECK((co_await sb.exec("echo sized")).std_out == "sized\n");
  });
  sbx_test::run([]() -> awaitable<void> {
    auto client = co_await connect();
    sbx::CreateOptions bad;
    bad.cpu = -1;
    AWAIT_CHECK(co_await throws<sbx::SandboxConfigurationError>(create(client, std::move(bad))));
  }());
}

TEST_CASE("O3 snapshot_id restores a snapshot or both are refused", "[contract][options]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    auto client = co_await connect();
    if (!client.capabilities().snapshots) {
      AWAIT_CHECK(co_await throws<sbx::FeatureNotSupportedError>(sb.snapshot()));
      sbx::CreateOptions from_snapshot;
      from_snapshot.snapshot_id = "anything";
      AWAIT_CHECK(co_await throws<sbx::FeatureNotSupportedError>(create(client, std::move(from_snapshot))));
      co_return;
    }
    co_await sb.write_file("/snapshot-marker.txt", "in snapshot");
    const auto snap = co_await sb.snapshot();
    CHECK_FALSE(snap.snapshot_id.empty());
    sbx::CreateOptions from_snapshot;
    from_snapshot.snapshot_id = snap.snapshot_id;
    auto restored = co_await create(client, std::move(from_snapshot));
    AWAIT_CHECK(co_await restored.read_file("/snapshot-marker.txt") == "in snapshot");
    co_await restored.destroy();
  });
}

TEST_CASE("P1 preset defaults apply and explicit options override them", "[contract][presets]") {
  if (skip_unavailable()) return;
  sbx::Preset preset{.name = "contract-p1", .description = "contract preset"};
  preset.env_vars = {{"SBX_PRESET_A", "preset"}, {"SBX_PRESET_B", "preset"}};
  preset.setup_commands = {"echo setup-ran > setup.txt"};
  sbx::register_preset(preset);
  sbx::CreateOptions options;
  options.preset = "contract-p1";
  options.env_vars = {{"SBX_PRESET_B", "explicit"}};
  with_sandbox(std::move(options), [](Sandbox& sb) -> awaitable<void> {
    AWAIT_CHECK((co_await sb.exec("printf '%s %s' \"$SBX_PRESET_A\" \"$SBX_PRESET_B\"")).std_out == "preset explicit");
    AWAIT_CHECK(co_await sb.read_file("setup.txt") == "setup-ran\n");
  });
}

TEST_CASE("P2 files, git_repo and workspace materialise in order, later overlaying earlier", "[contract][presets]") {
  if (skip_unavailable()) return;
  sbx::CreateOptions options;
  options.files = {{"x.txt", "from files"}, {"y.txt", "from files"}};
  options.workspace.entries = {{"x.txt", sbx::workspace::File{"from workspace"}},
                               {"z.txt", sbx::workspace::File{"first"}},
                               {"z.txt", sbx::workspace::File{"second"}}};
  const bool host_visible = backend().name == "local" || backend().name == "bwrap";
  // Outside /tmp: bwrap gives each command a private /tmp, but sees the rest of the host.
  const auto repo = fs::current_path() / ("sbx-contract-repo-" + std::to_string(::getpid()));
  if (host_visible && std::system("command -v git >/dev/null 2>&1") == 0) {
    fs::remove_all(repo);
    fs::create_directories(repo);
    std::ofstream(repo / "README") << "repo content\n";
    const auto init = "cd '" + repo.string() +
                      "' && git init -q && git -c user.email=t@t -c user.name=t add README && "
                      "git -c user.email=t@t -c user.name=t commit -qm init";
    REQUIRE(std::system(init.c_str()) == 0);
    options.git_repo = "file://" + repo.string();
  }
  const bool with_git = options.git_repo.has_value();
  const auto repo_name = repo.filename().string();
  with_sandbox(std::move(options), [with_git, repo_name](Sandbox& sb) -> awaitable<void> {
    AWAIT_CHECK(co_await sb.read_file("x.txt") == "from workspace");
    AWAIT_CHECK(co_await sb.read_file("y.txt") == "from files");
    AWAIT_CHECK(co_await sb.read_file("z.txt") == "second");
    if (with_git) AWAIT_CHECK(co_await sb.read_file(repo_name + "/README") == "repo content\n");
  });
  fs::remove_all(repo);
}

TEST_CASE("P3 a failing setup command destroys the sandbox and names the failure", "[contract][presets]") {
  if (skip_unavailable()) return;
  sbx::Preset preset{.name = "contract-p3", .description = "fails"};
  preset.setup_commands = {"echo fine", "echo broken-setup >&2; exit 7"};
  sbx::register_preset(preset);
  sbx_test::run([]() -> awaitable<void> {
    auto client = co_await connect();
    sbx::CreateOptions options;
    options.preset = "contract-p3";
    try {
      co_await create(client, std::move(options));
      FAIL("setup failure did not raise");
    } catch (const sbx::SandboxCreationError& e) {
      const std::string what = e.what();
      CHECK(what.find("echo broken-setup >&2; exit 7") != std::string::npos);
      CHECK(what.find("exit_code=7") != std::string::npos);
      CHECK(what.find("broken-setup\n") != std::string::npos);
      CHECK(e.op() == "preset_setup");
    }
  }());
}
