// drivers/bwrap against the real bubblewrap: what a sandboxed command can and cannot
// reach. Skipped (with a message) when bwrap is missing, unless CI=true.
#include "drivers/bwrap/bwrap_driver.hpp"
#include "drivers/local/local_driver.hpp"
#include "owner_labels.hpp"
#include "process/spawn.hpp"
#include "sbx/blocking.hpp"
#include "sbx/errors.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// True when the test should be skipped: no bwrap here and not in CI.
bool skip_without_bwrap() {
  if (sbx::process::find_program("bwrap", sbx::process::host_environment(), "")) return false;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") FAIL("bwrap is not installed (CI=true)");
  std::cerr << "skipping bwrap isolation test: bwrap is not installed\n";
  return true;
}

// A bwrap driver whose sandboxes live in a fresh directory, removed afterwards.
struct bwrap_fixture {
  bwrap_fixture()
      : root(fs::temp_directory_path() / ("sbx-bwrap-test-" + sbx::detail::random_hex(8))),
        driver(context.get_executor(), {.driver_options = {{"root", root.string()}}},
               sbx::drivers::bwrap::bwrap_flavor(sbx::process::host_environment())) {}
  ~bwrap_fixture() { fs::remove_all(root); }

  template <class T>
  T run(asio::awaitable<T> operation) {
    return sbx::blocking::run(context, std::move(operation));
  }

  std::unique_ptr<sbx::SandboxSession> create(sbx::ResolvedOptions options = {}) {
    options.labels = sbx::detail::owner_labels(600s);
    return run(driver.create(options));
  }

  struct result {
    sbx::ExecStatus status;
    std::string out;
    std::string err;
  };

  // Runs `script` with /bin/sh in the sandbox's workdir.
  result sh(sbx::SandboxSession& sandbox, std::string script, std::optional<std::chrono::milliseconds> timeout = {}) {
    result r;
    r.status = run(sandbox.exec({
        .argv = {"/bin/sh", "-c", std::move(script)},
        .cwd = sandbox.workdir(),
        .timeout = timeout,
        .on_output = [&](sbx::output_stream stream, std::string_view chunk) {
          (stream == sbx::output_stream::std_out ? r.out : r.err).append(chunk);
        },
    }));
    return r;
  }

  asio::io_context context;
  fs::path root;
  sbx::drivers::local::local_driver driver;
};

// Live host processes whose command line is exactly "sleep <seconds>".
int host_sleepers(int seconds) {
  int count = 0;
  const std::string wanted = std::string("sleep") + '\0' + std::to_string(seconds) + '\0';
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::ifstream file(entry.path() / "cmdline", std::ios::binary);
    const std::string cmdline((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (cmdline == wanted) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("bwrap backend_info describes the backend", "[bwrap]") {
  const auto info = sbx::drivers::bwrap::backend_info();
  CHECK(info.name == "bwrap");
  CHECK(info.capabilities.isolated);
  CHECK(info.capabilities.network_control);
  CHECK(info.capabilities.memory_limit);
  CHECK(info.capabilities.resume);
  CHECK(info.capabilities.sweep);
  CHECK(info.capabilities.lifetime_backstop);
  CHECK(info.factory);
}

TEST_CASE("bwrap isolation: only the workspace, scratch and a private /tmp are writable", "[bwrap]") {
  if (skip_without_bwrap()) return;
  bwrap_fixture f;
  auto sandbox = f.create();
  const std::string workdir = sandbox->workdir();
  const std::string probe = "sbx-bwrap-probe-" + sbx::detail::random_hex(8);

  const auto inside = f.sh(*sandbox, "pwd && echo made > made.txt && echo tmp > \"$TMPDIR/t\" && echo /tmp > /tmp/" +
                                         probe + " && cat /tmp/" + probe);
  CHECK(inside.status.exit_code == 0);
  CHECK(inside.out == workdir + "\n/tmp\n");
  CHECK(f.run(sandbox->read_file(workdir + "/made.txt")) == "made\n");
  CHECK(f.run(sandbox->read_file(sandbox->scratch_dir() + "/t")) == "tmp\n");
  CHECK_FALSE(fs::exists("/tmp/" + probe));

  for (const std::string target : {"/usr/" + probe, "/root/" + probe, "/etc/" + probe, fs::current_path().string() + "/" + probe}) {
    INFO(target);
    CHECK(f.sh(*sandbox, "touch '" + target + "'").status.exit_code != 0);
    CHECK_FALSE(fs::exists(target));
  }
  f.run(sandbox->destroy());
}

TEST_CASE("bwrap isolation: another sandbox's files are invisible", "[bwrap]") {
  if (skip_without_bwrap()) return;
  bwrap_fixture f;
  auto mine = f.create();
  auto other = f.create();
  f.run(other->write_file(other->workdir() + "/secret.txt", "secret"));
  f.run(other->write_file(other->scratch_dir() + "/scratch.txt", "scratch"));

  CHECK(f.sh(*mine, "cat '" + other->workdir() + "/secret.txt'").status.exit_code != 0);
  CHECK(f.sh(*mine, "cat '" + other->scratch_dir() + "/scratch.txt'").status.exit_code != 0);
  const auto listing = f.sh(*mine, "ls -A '" + f.root.string() + "'");
  CHECK(listing.out == mine->id() + "\n");
  const auto own = f.sh(*mine, "ls -A '" + (f.root / mine->id()).string() + "'");
  CHECK(own.out == "tmp\nwork\n");  // its owner record is not there either
  f.run(mine->destroy());
  f.run(other->destroy());
}

TEST_CASE("bwrap errors name the bwrap backend", "[bwrap]") {
  if (skip_without_bwrap()) return;
  bwrap_fixture f;
  auto sandbox = f.create();
  try {
    f.run(sandbox->read_file(sandbox->workdir() + "/missing"));
    FAIL("read_file of a missing file succeeded");
  } catch (const sbx::SandboxNotFoundError& e) {
    CHECK(e.backend() == "bwrap");
  }
  f.run(sandbox->destroy());
  try {
    f.sh(*sandbox, "true");
    FAIL("exec after destroy succeeded");
  } catch (const sbx::SandboxNotFoundError& e) {
    CHECK(e.backend() == "bwrap");
    CHECK(std::string(e.what()).find("bwrap sandbox") != std::string::npos);
  }
}

TEST_CASE("bwrap isolation: allow_internet=false cuts the network, also after resume", "[bwrap]") {
  if (skip_without_bwrap()) return;
  bwrap_fixture f;
  asio::ip::tcp::acceptor listener(f.context, {asio::ip::make_address("127.0.0.1"), 0});
  const auto connect = "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(listener.local_endpoint().port());
  const auto bash_connect = "bash -c '" + connect + "'";

  auto online = f.create();
  CHECK(f.sh(*online, bash_connect).status.exit_code == 0);

  auto offline = f.create({.allow_internet = false});
  CHECK(f.sh(*offline, bash_connect).status.exit_code != 0);
  CHECK(f.sh(*offline, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '").out == "lo\n");

  auto resumed = f.run(f.driver.resume(offline->session_data()));
  CHECK(f.sh(*resumed, bash_connect).status.exit_code != 0);
  f.run(online->destroy());
  f.run(offline->destroy());
}

TEST_CASE("bwrap limits: memory and CPU time through prlimit", "[bwrap]") {
  if (skip_without_bwrap()) return;
  bwrap_fixture f;
  auto sandbox = f.create({.cpu = 1.5, .memory_mb = 64, .timeout_secs = 100});
  const auto limits = f.sh(*sandbox, "ulimit -v; ulimit -t");
  CHECK(limits.out == "65536\n150\n");
  const auto big = f.sh(*sandbox, "bash -c 'x=$(head -c 100000000 /dev/zero | tr \"\\0\" a); echo ${#x}'");
  CHECK(big.status.exit_code != 0);
  CHECK(big.out.empty());
  f.run(sandbox->destroy());
}

TEST_CASE("bwrap exec: a timeout ends background processes too", "[bwrap]") {
  if (skip_without_bwrap()) return;
  bwrap_fixture f;
  auto sandbox = f.create();
  const int seconds = 3000 + static_cast<int>(::getpid() % 997);
  const auto sleep = "sleep " + std::to_string(seconds);
  const auto r = f.sh(*sandbox, "echo early; " + sleep + " & " + sleep, 1s);
  CHECK(r.status.timed_out);
  CHECK(r.status.exit_code == 124);
  CHECK(r.out == "early\n");
  for (int i = 0; i < 50 && host_sleepers(seconds) > 0; ++i) std::this_thread::sleep_for(100ms);
  CHECK(host_sleepers(seconds) == 0);
  f.run(sandbox->destroy());
}
