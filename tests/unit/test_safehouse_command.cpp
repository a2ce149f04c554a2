// drivers/safehouse: the command line we build for the safehouse CLI, checked as data
// and against a stub `safehouse` on the PATH (safehouse itself only runs on macOS).
#include "drivers/local/local_driver.hpp"
#include "drivers/safehouse/safehouse_command.hpp"
#include "drivers/safehouse/safehouse_driver.hpp"
#include "owner_labels.hpp"
#include "sbx/blocking.hpp"
#include "sbx/errors.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using strings = std::vector<std::string>;

// A directory holding an executable `safehouse` script with `body`, and a sandbox root.
struct stub_fixture {
  explicit stub_fixture(const std::string& body, bool assume_macos = true)
      : dir(fs::temp_directory_path() / ("sbx-safehouse-test-" + sbx::detail::random_hex(8))),
        driver(context.get_executor(),
               {.driver_options = {{"root", (dir / "root").string()}, {"assume_macos", assume_macos}}},
               sbx::drivers::safehouse::safehouse_flavor(stub_path(body), {{"assume_macos", assume_macos}})) {}
  ~stub_fixture() { fs::remove_all(dir); }

  // Writes the stub and returns an environment whose PATH starts with its directory.
  sbx::process::environment stub_path(const std::string& body) {
    fs::create_directories(dir / "bin");
    std::ofstream(dir / "bin" / "safehouse") << "#!/bin/sh\n" << body;
    fs::permissions(dir / "bin" / "safehouse", fs::perms::owner_all);
    return {"PATH=" + (dir / "bin").string() + ":/usr/bin:/bin"};
  }

  template <class T>
  T run(asio::awaitable<T> operation) {
    return sbx::blocking::run(context, std::move(operation));
  }

  std::unique_ptr<sbx::SandboxSession> create() {
    return run(driver.create({.labels = sbx::detail::owner_labels(600s)}));
  }

  std::pair<sbx::ExecStatus, std::string> exec(sbx::SandboxSession& sandbox, strings argv, sbx::env_map env = {},
                                               std::optional<std::chrono::milliseconds> timeout = {}) {
    std::string out;
    const auto status = run(sandbox.exec({
        .argv = std::move(argv),
        .env = std::move(env),
        .cwd = sandbox.workdir(),
        .timeout = timeout,
        .on_output = [&](sbx::output_stream, std::string_view chunk) { out.append(chunk); },
    }));
    return {status, out};
  }

  asio::io_context context;
  fs::path dir;
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

TEST_CASE("safehouse command line: the exact argv", "[safehouse]") {
  using sbx::drivers::safehouse::safehouse_argv;
  CHECK(safehouse_argv("/opt/homebrew/bin/safehouse", "/w d", "/w d.tmp", {"bash", "-c", "echo $HOME; A=1", ""}) ==
        strings{"/opt/homebrew/bin/safehouse", "--workdir=/w d", "--add-dirs=/w d.tmp", "--trust-workdir-config=false",
                "--env", "--", "bash", "-c", "echo $HOME; A=1", ""});
  CHECK_THROWS_AS(safehouse_argv("/s", "/w", "/t", {"A=B", "x"}), sbx::SandboxExecutionError);
}

TEST_CASE("safehouse command line: SAFEHOUSE_* variables are scrubbed", "[safehouse]") {
  sbx::process::environment env{"PATH=/bin", "SAFEHOUSE_ENV_PASS=X", "SAFEHOUSE_ADD_DIRS=/", "MY_SAFEHOUSE_X=1"};
  sbx::drivers::safehouse::scrub_safehouse_variables(env);
  CHECK(env == sbx::process::environment{"PATH=/bin", "MY_SAFEHOUSE_X=1"});
}

TEST_CASE("safehouse command line: a stub safehouse on PATH receives the argv we build", "[safehouse]") {
  stub_fixture f("printf '%s\\n' \"$0\" \"$@\"; pwd; env | grep '^SAFEHOUSE_' || true\n");
  auto sandbox = f.create();
  const auto [status, out] = f.exec(*sandbox, {"printf", "%s", "a b", "$HOME"}, {{"SAFEHOUSE_ADD_DIRS", "/"}});
  CHECK(status.exit_code == 0);
  CHECK(out == (f.dir / "bin" / "safehouse").string() + "\n--workdir=" + sandbox->workdir() + "\n--add-dirs=" +
                   sandbox->scratch_dir() + "\n--trust-workdir-config=false\n--env\n--\nprintf\n%s\na b\n$HOME\n" +
                   sandbox->workdir() + "\n");
  f.run(sandbox->destroy());
}

TEST_CASE("safehouse command line: a timeout kills the stub's whole process group", "[safehouse]") {
  // Like the real CLI, the stub stays the parent of the command instead of exec'ing it.
  stub_fixture f("while [ \"$1\" != -- ]; do shift; done; shift; \"$@\"; echo after\n");
  auto sandbox = f.create();
  const int seconds = 3000 + static_cast<int>(::getpid() % 997);
  const auto sleep = "sleep " + std::to_string(seconds);
  const auto [status, out] = f.exec(*sandbox, {"sh", "-c", "echo early; " + sleep + " & " + sleep}, {}, 1s);
  CHECK(status.timed_out);
  CHECK(status.exit_code == 124);
  CHECK(out == "early\n");
  for (int i = 0; i < 50 && host_sleepers(seconds) > 0; ++i) std::this_thread::sleep_for(100ms);
  CHECK(host_sleepers(seconds) == 0);
  f.run(sandbox->destroy());
}

TEST_CASE("safehouse: creation names what is missing", "[safehouse]") {
#ifndef __APPLE__
  SECTION("not macOS") {
    stub_fixture f("exit 0\n", false);
    try {
      f.create();
      FAIL("create succeeded");
    } catch (const sbx::BackendNotInstalledError& e) {
      CHECK(std::string(e.what()).find("macOS") != std::string::npos);
      CHECK(e.backend() == "safehouse");
    }
    CHECK((!fs::exists(f.dir / "root") || fs::is_empty(f.dir / "root")));
  }
#endif
  SECTION("no safehouse CLI") {
    asio::io_context context;
    sbx::drivers::local::local_driver driver(
        context.get_executor(), {},
        sbx::drivers::safehouse::safehouse_flavor({"PATH=/nonexistent"}, {{"assume_macos", true}}));
    try {
      sbx::blocking::run(context, driver.create({}));
      FAIL("create succeeded");
    } catch (const sbx::BackendNotInstalledError& e) {
      CHECK(std::string(e.what()).find("`safehouse` CLI") != std::string::npos);
    }
  }
  SECTION("allow_internet=false is refused") {
    stub_fixture f("exit 0\n");
    CHECK_THROWS_AS(f.run(f.driver.create({.allow_internet = false})), sbx::FeatureNotSupportedError);
  }
}
