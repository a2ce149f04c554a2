// drivers/bwrap: the bubblewrap command line built for one command (no bwrap needed).
#include "drivers/bwrap/bwrap_command.hpp"

#include <catch2/catch.hpp>

namespace {

using sbx::drivers::bwrap::bwrap_argv;
using sbx::drivers::bwrap::bwrap_invocation;
using strings = std::vector<std::string>;

bwrap_invocation sample() {
  return {
      .bwrap = "/usr/bin/bwrap",
      .prlimit = "/usr/bin/prlimit",
      .base = "/tmp/sbx-local",
      .writable = {"/tmp/sbx-local/sbx-1", "/tmp/sbx-local/sbx-1.tmp"},
      .cwd = "/tmp/sbx-local/sbx-1/sub dir",
  };
}

}  // namespace

TEST_CASE("bwrap command line: the exact argv with network and no limits", "[bwrap]") {
  CHECK(bwrap_argv(sample(), {"echo", "a b", ""}) ==
        strings{"/usr/bin/bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                "--tmpfs", "/tmp/sbx-local",
                "--bind", "/tmp/sbx-local/sbx-1", "/tmp/sbx-local/sbx-1",
                "--bind", "/tmp/sbx-local/sbx-1.tmp", "/tmp/sbx-local/sbx-1.tmp",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--chdir", "/tmp/sbx-local/sbx-1/sub dir", "--", "echo", "a b", ""});
}

TEST_CASE("bwrap command line: offline adds --unshare-net, limits go through prlimit", "[bwrap]") {
  auto how = sample();
  how.allow_internet = false;
  how.memory_bytes = 805306368;
  how.cpu_seconds = 900;
  const auto argv = bwrap_argv(how, {"python3", "-c", "print(1)"});
  const strings tail(argv.end() - 15, argv.end());
  CHECK(tail == strings{"--unshare-net", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--chdir",
                        "/tmp/sbx-local/sbx-1/sub dir", "--", "/usr/bin/prlimit", "--as=805306368", "--cpu=900",
                        "--", "python3", "-c", "print(1)"});
}

TEST_CASE("bwrap command line: a workdir outside the base is bound before the base is hidden", "[bwrap]") {
  auto how = sample();
  how.writable = {"/tmp", "/tmp/sbx-local/sbx-1.tmp"};
  how.memory_bytes = 1024;
  const auto argv = bwrap_argv(how, {"true"});
  const strings mounts(argv.begin() + 10, argv.begin() + 19);
  CHECK(mounts == strings{"--bind", "/tmp", "/tmp", "--tmpfs", "/tmp/sbx-local", "--bind", "/tmp/sbx-local/sbx-1.tmp",
                          "/tmp/sbx-local/sbx-1.tmp", "--unshare-pid"});
  CHECK(strings(argv.end() - 4, argv.end()) == strings{"/usr/bin/prlimit", "--as=1024", "--", "true"});
}

TEST_CASE("bwrap command line: a sibling whose name extends the base is not inside it", "[bwrap]") {
  auto how = sample();
  how.writable = {"/tmp/sbx-local-other/w"};
  const auto argv = bwrap_argv(how, {"true"});
  CHECK(strings(argv.begin() + 10, argv.begin() + 15) ==
        strings{"--bind", "/tmp/sbx-local-other/w", "/tmp/sbx-local-other/w", "--tmpfs", "/tmp/sbx-local"});
}
