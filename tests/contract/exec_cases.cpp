// Contract cases E1–E13: exec.
#include "fixture.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

using namespace sbx_contract;
using namespace std::chrono_literals;
using sbx::argv;
using sbx::ExecOptions;
using sbx::Sandbox;

TEST_CASE("E1 echo gives exact stdout, empty stderr, exit 0", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const auto r = co_await sb.exec("echo hello");
    CHECK(r.std_out == "hello\n");
    CHECK(r.std_err.empty());
    CHECK(r.exit_code == 0);
    CHECK_FALSE(r.timed_out);
  });
}

TEST_CASE("E2 a non-zero exit is a result, not an exception", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    AWAIT_CHECK((co_await sb.exec("exit 42")).exit_code == 42);
  });
}

TEST_CASE("E3 stdout and stderr stay separate", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const auto r = co_await sb.exec("echo out; echo err >&2");
    CHECK(r.std_out == "out\n");
    CHECK(r.std_err == "err\n");
  });
}

TEST_CASE("E4 argv form passes arguments literally", "[contract][exec]") {
  if (skip_unavailable()) return;
  const std::vector<std::string> args{"a b", "it's \"quoted\"", "$HOME", ";", "&&", "*", "line1\nline2", ""};
  std::vector<std::string> command{"printf", "[%s]\\n"};
  command.insert(command.end(), args.begin(), args.end());
  with_sandbox([&](Sandbox& sb) -> awaitable<void> {
    const auto r = co_await sb.exec(argv(command));
    std::string expected;
    for (const auto& a : args) expected += "[" + a + "]\n";
    CHECK(r.std_out == expected);
    CHECK(r.exit_code == 0);
  });
}

TEST_CASE("E5 env_vars reach commands and per-exec env overrides them", "[contract][exec]") {
  if (skip_unavailable()) return;
  sbx::CreateOptions options;
  options.env_vars = {{"SBX_A", "from create"}, {"SBX_B", "it's a \"b\"\nsecond line"}};
  const argv printenv{"printenv", "SBX_B"};
  ExecOptions per_exec;
  per_exec.env = {{"SBX_A", "per exec"}};
  with_sandbox(std::move(options), [&](Sandbox& sb) -> awaitable<void> {
    const auto r = co_await sb.exec(printenv);
    CHECK(r.std_out == "it's a \"b\"\nsecond line\n");
    const auto a = co_await sb.exec("printf %s \"$SBX_A\"");
    CHECK(a.std_out == "from create");
    const auto overridden = co_await sb.exec("printf %s \"$SBX_A\"", per_exec);
    CHECK(overridden.std_out == "per exec");
  });
}

TEST_CASE("E6 relative paths agree between commands and the file API", "[contract][exec][files]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    co_await sb.exec("mkdir -p sub && printf from-command > sub/a.txt");
    AWAIT_CHECK(co_await sb.read_file("sub/a.txt") == "from-command");
    co_await sb.write_file("sub/b.txt", "from-api");
    AWAIT_CHECK((co_await sb.exec("cat sub/b.txt")).std_out == "from-api");
    ExecOptions in_sub;
    in_sub.cwd = "sub";
    AWAIT_CHECK((co_await sb.exec("cat b.txt", in_sub)).std_out == "from-api");
  });
}

TEST_CASE("E7 exec timeout kills the whole tree and keeps partial output", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const int seconds = unique_sleep_seconds();
    ExecOptions options;
    options.timeout = 1s;
    const auto started = std::chrono::steady_clock::now();
    const auto r = co_await sb.exec(
        "echo started; sleep " + std::to_string(seconds) + " & sleep " + std::to_string(seconds), options);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(r.timed_out);
    CHECK(r.exit_code == 124);
    CHECK(r.std_out == "started\n");
    CHECK(elapsed < 20s);  // bound proving the kill, far above the expected ~1 s
    const auto left = co_await sb.exec(count_sleepers_script(seconds));
    CHECK(left.std_out == "0\n");
  });
}

// The suite's 2-minute exec timeout is too short for 50 MiB through an unoptimised
// sanitizer build on a loaded machine (tensorlake under -O0 ASan: 36 s alone, 70 s
// beside another test on 2 cores; the load was 20+ when it came back short): E8 gets
// its own, a safety net only. A timeout is reported as such, not as a short output.
namespace {
ExecOptions large_output_options() {
  ExecOptions options;
  options.timeout = std::chrono::minutes(15);
  return options;
}
}  // namespace

TEST_CASE("E8 50 MiB of stdout arrives intact", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    constexpr std::size_t size = 50u << 20;
    const std::string line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n";
    const auto r = co_await sb.exec("yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ | head -c " +
                                        std::to_string(size),
                                    large_output_options());
    REQUIRE_FALSE(r.timed_out);
    CHECK(r.exit_code == 0);
    CHECK_FALSE(r.output_truncated);
    REQUIRE(r.std_out.size() == size);
    bool intact = true;
    for (std::size_t i = 0; i < size && intact; i += line.size())
      intact = r.std_out.compare(i, std::min(line.size(), size - i), line, 0, std::min(line.size(), size - i)) == 0;
    CHECK(intact);
  });
}

TEST_CASE("E9 streamed output arrives before the command ends", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const auto started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration first_chunk_at{};
    std::string seen;
    const auto r = co_await sb.exec_stream("echo a; sleep 2; echo b", [&](sbx::output_stream which, std::string_view chunk) {
      if (which == sbx::output_stream::std_out && seen.empty()) first_chunk_at = std::chrono::steady_clock::now() - started;
      seen += chunk;
    });
    const auto total = std::chrono::steady_clock::now() - started;
    CHECK(seen == "a\nb\n");
    CHECK(r.exit_code == 0);
    CHECK(first_chunk_at + 1s < total);  // "a" came at least a second before the end
  });
}

TEST_CASE("E10 stdin bytes reach the command unchanged", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    ExecOptions options;
    options.stdin_data = pattern_bytes(1 << 20);
    const auto r = co_await sb.exec("cat", options);
    CHECK(r.std_out == *options.stdin_data);
  });
}

// Each exec marks that it runs, then waits for the other's mark (giving up after 60 s
// with exit 3): they can only both succeed if they run at the same time. No clock is
// read, so a loaded machine cannot fail it.
std::string rendezvous_script(const std::string& self, const std::string& other) {
  return "touch rv-" + self + "; i=0; while [ ! -e rv-" + other + " ]; do i=$((i+1)); " +
         "[ $i -gt 600 ] && exit 3; sleep 0.1; done; echo " + self;
}

TEST_CASE("E11 two execs on one sandbox run concurrently", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    using namespace boost::asio::experimental::awaitable_operators;
    const auto [a, b] = co_await (sb.exec(rendezvous_script("a", "b")) && sb.exec(rendezvous_script("b", "a")));
    CHECK(a.exit_code == 0);
    CHECK(b.exit_code == 0);
    CHECK(a.std_out == "a\n");
    CHECK(b.std_out == "b\n");
  });
}

TEST_CASE("E12 non-UTF-8 bytes are preserved", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const auto r = co_await sb.exec("printf '\\377\\376\\000\\001\\200'; printf '\\303\\050' >&2");
    CHECK(r.std_out == std::string("\xff\xfe\x00\x01\x80", 5));
    CHECK(r.std_err == std::string("\xc3\x28", 2));
  });
}

TEST_CASE("E13 cancelling a pending exec stops the remote process", "[contract][exec]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    using namespace boost::asio::experimental::awaitable_operators;
    const int seconds = unique_sleep_seconds() + 1;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, 500ms);
    const auto outcome = co_await (sb.exec("sleep " + std::to_string(seconds)) ||
                                   timer.async_wait(boost::asio::use_awaitable));
    CHECK(outcome.index() == 1);
    boost::asio::steady_timer settle(co_await boost::asio::this_coro::executor, 200ms);
    co_await settle.async_wait(boost::asio::use_awaitable);
    AWAIT_CHECK((co_await sb.exec(count_sleepers_script(seconds))).std_out == "0\n");
  });
}
