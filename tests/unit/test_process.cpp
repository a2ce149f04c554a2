// src/process: child processes on an Asio executor.
#include "process/run_process.hpp"

#include "support/process_groups.hpp"
#include "support/run.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using sbx::output_stream;
using sbx::process::process_result;
using sbx::process::run_process;
using sbx::process::spawn_spec;

// Output of one run, collected from the handler.
struct captured {
  std::string out;
  std::string err;
  sbx::output_handler handler() {
    return [this](output_stream stream, std::string_view chunk) {
      (stream == output_stream::std_out ? out : err).append(chunk);
    };
  }
};

spawn_spec command(std::vector<std::string> argv) {
  return {.argv = std::move(argv), .env = sbx::process::host_environment()};
}

spawn_spec shell(std::string script) { return command({"/bin/sh", "-c", std::move(script)}); }

pid_t first_line_pid(const std::string& out) { return static_cast<pid_t>(std::stol(out)); }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("run_process delivers stdout and stderr exactly and separately", "[process]") {
  captured output;
  const auto result = sbx_test::run(run_process(shell("printf 'out\\n'; printf 'err\\n' >&2"), output.handler()));
  CHECK(result.exit_code == 0);
  CHECK_FALSE(result.timed_out);
  CHECK(output.out == "out\n");
  CHECK(output.err == "err\n");
}

TEST_CASE("run_process preserves bytes that are not UTF-8", "[process]") {
  captured output;
  const auto result = sbx_test::run(
      run_process(shell("printf '\\377\\000\\200a'; printf '\\376\\001' >&2"), output.handler()));
  CHECK(result.exit_code == 0);
  CHECK(output.out == std::string("\xff\x00\x80" "a", 4));
  CHECK(output.err == std::string("\xfe\x01", 2));
}

TEST_CASE("run_process passes argv literally, without a shell", "[process]") {
  captured output;
  const auto result = sbx_test::run(run_process(
      command({"printf", "%s|", "a b", "\"q\"", "", "$HOME", ";", "*", "x\ny"}), output.handler()));
  CHECK(result.exit_code == 0);
  CHECK(output.out == "a b|\"q\"||$HOME|;|*|x\ny|");
}

TEST_CASE("run_process reports exit codes and 128 + signal", "[process]") {
  captured output;
  CHECK(sbx_test::run(run_process(shell("exit 42"), output.handler())).exit_code == 42);
  CHECK(sbx_test::run(run_process(shell("kill -KILL $$"), output.handler())).exit_code == 128 + SIGKILL);
  CHECK(sbx_test::run(run_process(shell("kill -TERM $$"), output.handler())).exit_code == 128 + SIGTERM);
}

TEST_CASE("run_process runs in cwd with exactly the given environment", "[process]") {
  const auto dir = fs::temp_directory_path() / ("sbx-process-test-" + std::to_string(::getpid()));
  fs::create_directories(dir / "bin");
  {
    std::ofstream script(dir / "bin" / "greet");
    script << "#!/bin/sh\necho \"hello $WHO\"\n";
  }
  fs::permissions(dir / "bin" / "greet", fs::perms::owner_all);

  captured output;
  spawn_spec spec{.argv = {"greet"}, .env = {"PATH=" + (dir / "bin").string(), "WHO=a b'\"\n"}};
  auto result = sbx_test::run(run_process(spec, output.handler()));
  CHECK(result.exit_code == 0);
  CHECK(output.out == "hello a b'\"\n\n");

  captured pwd;
  auto in_dir = command({"pwd"});
  in_dir.cwd = dir.string();
  CHECK(sbx_test::run(run_process(in_dir, pwd.handler())).exit_code == 0);
  CHECK(pwd.out == dir.string() + "\n");
  fs::remove_all(dir);
}

TEST_CASE("run_process layers the environment on a shared base", "[process]") {
  const auto base = std::make_shared<const sbx::process::environment>(
      sbx::process::environment{"PATH=/nowhere", "WHO=base", "KEEP=kept"});
  const sbx::process::environment top{"WHO=top", "PATH=/usr/bin:/bin"};
  captured output;
  spawn_spec spec{.argv = {"sh", "-c", "printf '%s|%s|%s' \"$WHO\" \"$KEEP\" \"$PATH\""}, .env = top, .base_env = base};
  CHECK(sbx_test::run(run_process(spec, output.handler())).exit_code == 0);  // sh found on the top PATH
  CHECK(output.out == "top|kept|/usr/bin:/bin");
  CHECK(sbx::process::flattened(base.get(), top) ==
        sbx::process::environment{"KEEP=kept", "WHO=top", "PATH=/usr/bin:/bin"});
  CHECK(sbx::process::find_variable(base.get(), {}, "WHO") == "base");
}

TEST_CASE("run_process reports spawn failures like a shell", "[process]") {
  SECTION("a program missing from PATH is exit 127, command not found") {
    captured output;
    const auto result = sbx_test::run(run_process(command({"sbx-no-such-program"}), output.handler()));
    CHECK(result.exit_code == 127);
    CHECK(output.err == "sbx: sbx-no-such-program: command not found\n");
  }
  SECTION("a missing path is exit 127") {
    captured output;
    CHECK(sbx_test::run(run_process(command({"/nonexistent/prog"}), output.handler())).exit_code == 127);
    CHECK(output.err.find("/nonexistent/prog") != std::string::npos);
  }
  SECTION("a file that is not executable is exit 126") {
    captured output;
    CHECK(sbx_test::run(run_process(command({"/etc/hostname"}), output.handler())).exit_code == 126);
  }
  SECTION("a cwd that does not exist is exit 126") {
    captured output;
    auto spec = command({"true"});
    spec.cwd = "/nonexistent/dir";
    CHECK(sbx_test::run(run_process(spec, output.handler())).exit_code == 126);
    CHECK(output.err.find("/nonexistent/dir") != std::string::npos);
  }
  SECTION("an empty argv is an error") {
    captured output;
    CHECK_THROWS_AS(sbx_test::run(run_process(command({}), output.handler())), boost::system::system_error);
  }
}

TEST_CASE("run_process streams 50 MiB of stdout intact and in order", "[process]") {
  constexpr std::size_t size = 50 * 1024 * 1024;
  const std::string pattern = "abcdefghij\n";
  std::size_t received = 0;
  std::size_t mismatches = 0;
  std::size_t largest_chunk = 0;
  std::size_t stderr_chunks = 0;
  const auto result = sbx_test::run(run_process(
      shell("yes abcdefghij | head -c " + std::to_string(size)),
      [&](output_stream stream, std::string_view chunk) {
        stderr_chunks += stream == output_stream::std_err;
        for (const char c : chunk) mismatches += c != pattern[received++ % pattern.size()];
        largest_chunk = std::max(largest_chunk, chunk.size());
      }));
  CHECK(result.exit_code == 0);
  CHECK(received == size);
  CHECK(mismatches == 0);
  CHECK(stderr_chunks == 0);
  CHECK(largest_chunk <= 64 * 1024);
}

TEST_CASE("run_process reads both streams concurrently (no pipe deadlock)", "[process]") {
  std::size_t out = 0;
  std::size_t err = 0;
  const auto result = sbx_test::run(run_process(
      shell("head -c 8000000 /dev/zero >&2 & head -c 8000000 /dev/zero; wait"),
      [&](output_stream stream, std::string_view chunk) {
        (stream == output_stream::std_out ? out : err) += chunk.size();
      }));
  CHECK(result.exit_code == 0);
  CHECK(out == 8000000);
  CHECK(err == 8000000);
}

TEST_CASE("run_process feeds stdin", "[process]") {
  SECTION("every byte value round-trips through cat") {
    std::string input;
    for (int i = 0; i < 4 * 1024 * 1024; ++i) input.push_back(static_cast<char>(i * 7 % 256));
    captured output;
    auto spec = command({"cat"});
    spec.stdin_data = input;
    const auto result = sbx_test::run(run_process(spec, output.handler()));
    CHECK(result.exit_code == 0);
    CHECK(output.out == input);
  }
  SECTION("a child that never reads stdin does not block or kill the caller") {
    captured output;
    auto spec = shell("exec 0<&-; echo done");
    spec.stdin_data = std::string(8 * 1024 * 1024, 'x');
    const auto result = sbx_test::run(run_process(spec, output.handler()));
    CHECK(result.exit_code == 0);
    CHECK(output.out == "done\n");
  }
  SECTION("without stdin data, stdin is empty") {
    captured output;
    CHECK(sbx_test::run(run_process(command({"wc", "-c"}), output.handler())).exit_code == 0);
    CHECK(output.out == "0\n");
  }
}

TEST_CASE("run_process timeout kills the whole process group", "[process]") {
  captured output;
  const auto start = std::chrono::steady_clock::now();
  const auto result = sbx_test::run(
      run_process(shell("echo $$; echo partial >&2; sleep 30 & sleep 30"), output.handler(), 1s));
  CHECK(seconds_since(start) < 10);
  CHECK(result.timed_out);
  CHECK(result.exit_code == 124);
  CHECK(output.err == "partial\n");
  const pid_t pgid = first_line_pid(output.out);
  CHECK(sbx_test::group_gone(pgid));
  CHECK(::waitpid(pgid, nullptr, WNOHANG) == -1);  // reaped: not our child any more
}

TEST_CASE("run_process cancellation kills the group, reaps and rethrows", "[process]") {
  captured output;
  std::exception_ptr failure;
  const auto start = std::chrono::steady_clock::now();
  sbx_test::run([&]() -> asio::awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, 1s);
    auto [order, error, result, timer_ec] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(executor, run_process(shell("echo $$; sleep 30 & sleep 30"), output.handler()),
                           asio::deferred),
            timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::deferred);
    failure = error;
  }());
  CHECK(seconds_since(start) < 10);
  REQUIRE(failure);
  try {
    std::rethrow_exception(failure);
  } catch (const boost::system::system_error& e) {
    CHECK(e.code() == asio::error::operation_aborted);
  }
  const pid_t pgid = first_line_pid(output.out);
  CHECK(::waitpid(pgid, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
  CHECK(sbx_test::group_gone(pgid));
}

TEST_CASE("run_process kills the group when the output handler throws", "[process]") {
  pid_t pgid = 0;
  CHECK_THROWS_WITH(sbx_test::run(run_process(shell("echo $$; sleep 30"),
                                              [&](output_stream, std::string_view chunk) {
                                                pgid = first_line_pid(std::string(chunk));
                                                throw std::runtime_error("handler failed");
                                              })),
                    "handler failed");
  REQUIRE(pgid > 0);
  CHECK(sbx_test::group_gone(pgid));
}

TEST_CASE("run_process returns at the exit even if background processes hold the pipes",
          "[process]") {
  // The exit is noticed by polling while the command is young, by a pidfd later.
  const auto [script, code] = GENERATE(table<std::string, int>({
      {"echo $$; sleep 30 &", 0},
      {"echo $$; sleep 30 & sleep 0.5; exit 7", 7},
  }));
  captured output;
  auto groups = std::make_shared<sbx::process::process_group_set>();
  auto spec = shell(script);
  spec.groups = groups;
  const auto start = std::chrono::steady_clock::now();
  const auto result = sbx_test::run(run_process(spec, output.handler()));
  CHECK(seconds_since(start) < 10);
  CHECK(result.exit_code == code);
  const pid_t pgid = first_line_pid(output.out);
  CHECK(sbx_test::running_members(pgid) == 1);
  CHECK(groups->size() == 1);  // the background sleep keeps the group recorded
  groups->kill_all();
  CHECK(groups->size() == 0);
  CHECK(sbx_test::group_gone(pgid));
}

TEST_CASE("process_group_set forgets groups that ended", "[process]") {
  auto groups = std::make_shared<sbx::process::process_group_set>();
  auto spec = shell("true");
  spec.groups = groups;
  captured output;
  CHECK(sbx_test::run(run_process(spec, output.handler())).exit_code == 0);
  CHECK(groups->size() == 0);
}

TEST_CASE("run_process runs many children concurrently on one thread", "[process]") {
  constexpr int count = 64;
  std::vector<captured> outputs(count);
  std::vector<process_result> results(count);
  const auto start = std::chrono::steady_clock::now();
  sbx_test::run([&]() -> asio::awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    int pending = count;
    asio::steady_timer all_done(executor, std::chrono::steady_clock::time_point::max());
    for (int i = 0; i < count; ++i) {
      asio::co_spawn(executor,
                     [&, i]() -> asio::awaitable<void> {
                       results[i] = co_await run_process(
                           shell("sleep 1; echo " + std::to_string(i)), outputs[i].handler());
                       if (--pending == 0) all_done.cancel();
                     },
                     asio::detached);
    }
    co_await all_done.async_wait(asio::as_tuple(asio::deferred));
  }());
  CHECK(seconds_since(start) < 20);  // one after the other would take 64 s
  for (int i = 0; i < count; ++i) {
    CHECK(results[i].exit_code == 0);
    CHECK(outputs[i].out == std::to_string(i) + "\n");
  }
}

TEST_CASE("run_process works on a strand of an io_context run by several threads", "[process]") {
  constexpr int count = 100;
  asio::io_context context;
  auto work = asio::make_work_guard(context);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { context.run(); });

  std::vector<std::future<std::string>> outputs;
  for (int i = 0; i < count; ++i) {
    outputs.push_back(asio::co_spawn(
        asio::make_strand(context),
        [i]() -> asio::awaitable<std::string> {
          captured output;
          const auto result = co_await run_process(shell("echo " + std::to_string(i)), output.handler());
          co_return std::to_string(result.exit_code) + ":" + output.out;
        },
        asio::use_future));
  }
  for (int i = 0; i < count; ++i) {
    REQUIRE(outputs[i].wait_for(30s) == std::future_status::ready);
    CHECK(outputs[i].get() == "0:" + std::to_string(i) + "\n");
  }
  work.reset();
  for (auto& thread : threads) thread.join();
}
