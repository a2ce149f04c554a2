// Multi-threaded use, the two ways include/sbx/client.hpp supports: one io_context run
// by several threads with every Client (and its sandboxes) confined to one strand, and
// one io_context per thread. Each fans out sandboxes on the local backend and on the
// E2B fake at once. scripts/test also runs this binary built with ThreadSanitizer
// (SBX_TSAN): any data race fails it there.
#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
#include "sbx/sbx.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using sbx::awaitable;

namespace {

constexpr int thread_count = 4;
constexpr int sandboxes_per_client = 6;
constexpr const char* api_key = "threads";

// What the fan-outs of every thread report (shared between threads, so locked).
class outcomes {
 public:
  void succeeded() { ++succeeded_; }
  void failed(const std::string& message) {
    const std::lock_guard lock(mutex_);
    failures_.push_back(message);
  }
  int succeeded_count() const { return succeeded_; }
  std::vector<std::string> failures() const {
    const std::lock_guard lock(mutex_);
    return failures_;
  }

 private:
  std::atomic<int> succeeded_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> failures_;
};

sbx::ClientOptions e2b_options(const std::string& url) {
  sbx::ClientOptions options;
  options.driver_options = {{"api_url", url}, {"envd_url", url}, {"api_key", api_key}, {"create_rate", 0}};
  return options;
}

// One sandbox through create, exec, a file round trip and destroy.
awaitable<void> one_sandbox(sbx::Client& client, int index, outcomes& out) {
  try {
    auto sandbox = co_await client.create();
    const auto result = co_await sandbox.exec("echo " + std::to_string(index));
    co_await sandbox.write_file("note.txt", "sandbox " + std::to_string(index));
    const auto note = co_await sandbox.read_file("note.txt");
    co_await sandbox.destroy();
    if (result.exit_code == 0 && result.std_out == std::to_string(index) + "\n" &&
        note == "sandbox " + std::to_string(index))
      out.succeeded();
    else
      out.failed(client.backend_name() + ": wrong output '" + result.std_out + "' / '" + note + "'");
  } catch (const std::exception& e) {
    out.failed(client.backend_name() + ": " + e.what());
  }
}

// `count` sandboxes of `client` at once, on the caller's executor (the client's).
awaitable<void> fan_out(sbx::Client client, int count, outcomes& out) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer all_done(executor, std::chrono::steady_clock::time_point::max());
  int left = count;
  for (int i = 0; i < count; ++i)
    asio::co_spawn(executor, one_sandbox(client, i, out), [&](std::exception_ptr) {
      if (--left == 0) all_done.cancel();
    });
  co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Starts a local and an E2B fan-out, each with its own Client on `executor`. The last
// fan-out to end on `context` stops it (idle connections and timers would keep it running).
void start_fan_outs(const asio::any_io_executor& executor, const std::string& fake_url, outcomes& out,
                    asio::io_context& context, std::atomic<int>& running) {
  for (auto client : {sbx::Client(executor, "local"), sbx::Client(executor, "e2b", e2b_options(fake_url))}) {
    ++running;
    asio::co_spawn(executor, fan_out(std::move(client), sandboxes_per_client, out),
                   [&out, &context, &running](std::exception_ptr e) {
                     if (e) out.failed("a fan-out ended with an exception");
                     if (--running == 0) context.stop();
                   });
  }
}

void check(const outcomes& out, const sbx_fake::fake_launcher& fake) {
  const auto failures = out.failures();
  for (const auto& failure : failures) UNSCOPED_INFO(failure);
  CHECK(failures.empty());
  CHECK(out.succeeded_count() == thread_count * 2 * sandboxes_per_client);
  CHECK(fake.live_sandboxes() == 0);
}

}  // namespace

TEST_CASE("threads: one io_context on several threads, one strand per client", "[threads][local][e2b][fake]") {
  sbx_fake::fake_launcher fake(sbx_fake::fake_program("e2b"), {"--api-key", api_key});
  outcomes out;
  asio::io_context context(thread_count);
  std::atomic<int> running{0};
  for (int i = 0; i < thread_count; ++i) start_fan_outs(asio::make_strand(context), fake.url(), out, context, running);
  std::vector<std::thread> threads;
  for (int i = 0; i < thread_count; ++i) threads.emplace_back([&context] { context.run(); });
  for (auto& thread : threads) thread.join();
  check(out, fake);
}

TEST_CASE("threads: one io_context and client per thread", "[threads][local][e2b][fake]") {
  sbx_fake::fake_launcher fake(sbx_fake::fake_program("e2b"), {"--api-key", api_key});
  outcomes out;
  std::vector<std::thread> threads;
  for (int i = 0; i < thread_count; ++i)
    threads.emplace_back([&] {
      asio::io_context context(1);
      std::atomic<int> running{0};
      start_fan_outs(context.get_executor(), fake.url(), out, context, running);
      context.run();
    });
  for (auto& thread : threads) thread.join();
  check(out, fake);
}
