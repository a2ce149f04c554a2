// Contract case E14: stdin that the command does not read to the end.
#include "fixture.hpp"

using namespace sbx_contract;
using sbx::ExecOptions;
using sbx::Sandbox;

namespace {

// More than any pipe or socket buffer on the way holds, so the command's exit leaves
// input unsent.
ExecOptions with_large_stdin() {
  ExecOptions options;
  options.stdin_data = pattern_bytes(8 << 20);
  return options;
}

}  // namespace

TEST_CASE("E14 a command that leaves its stdin unread still gives its output and exit code", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const auto options = with_large_stdin();
    const auto partial = co_await sb.exec("head -c 5; echo; echo tail >&2; exit 3", options);
    CHECK(partial.std_out == options.stdin_data->substr(0, 5) + "\n");
    CHECK(partial.std_err == "tail\n");
    CHECK(partial.exit_code == 3);

    const auto ignored = co_await sb.exec("echo ignored", options);
    CHECK(ignored.std_out == "ignored\n");
    CHECK(ignored.exit_code == 0);
  });
}
