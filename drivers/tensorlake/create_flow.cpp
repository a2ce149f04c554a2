#include "drivers/tensorlake/create_flow.hpp"

#include "guarded.hpp"
#include "log.hpp"
#include "process/concurrently.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

namespace sbx::drivers::tensorlake {
namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

constexpr auto cleanup_bound = std::chrono::seconds(30);

double unit_draw() {
  thread_local std::minstd_rand engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
}

std::chrono::milliseconds remaining(steady::time_point deadline) {
  return std::max(std::chrono::milliseconds(1),
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()));
}

bool failed_status(const std::string& status) {
  return status == "failed" || status == "terminated" || status == "suspended" || status == "suspending";
}

[[noreturn]] void creation_failed(const sandbox_record& record, const std::string& why) {
  error_context context;
  context["sandbox_id"] = record.sandbox_id;
  context["status"] = record.status;
  throw SandboxCreationError("Tensorlake sandbox " + record.sandbox_id + " " + why +
                                 (record.reason.empty() ? "" : ": " + record.reason),
                             {.backend = "tensorlake", .op = "create", .context = std::move(context)});
}

// Polls `record` until it runs; throws for a sandbox that failed or did not start.
asio::awaitable<sandbox_record> wait_running(const lifecycle_api& api, sandbox_record record,
                                             steady::time_point deadline, std::chrono::milliseconds poll) {
  for (;;) {
    if (record.status == "running") co_return record;
    if (failed_status(record.status)) creation_failed(record, "became " + record.status + " while starting");
    if (steady::now() + poll >= deadline) creation_failed(record, "did not start within the create timeout");
    co_await sleep_for(poll);
    record = co_await api.get(record.sandbox_id, "create");
  }
}

// The sandbox the attempts made, created and running; no cleanup.
asio::awaitable<sandbox_record> attempt_all(const lifecycle_api& api, const boost::json::object& body,
                                            const std::string& name, steady::time_point deadline,
                                            const http::retry_policy& policy, std::chrono::milliseconds poll) {
  const unsigned attempts = std::max(1u, policy.max_attempts);
  for (unsigned attempt = 0;; ++attempt) {
    const auto outcome = co_await api.create(body, remaining(deadline));
    if (outcome.created) co_return co_await wait_running(api, *outcome.created, deadline, poll);
    detail::log(log_level::info, "tensorlake create: outcome unknown (" + outcome.ambiguity + "); looking up " + name);
    if (auto found = co_await api.find(name, "create")) co_return co_await wait_running(api, *found, deadline, poll);
    if (attempt + 1 >= attempts || steady::now() >= deadline)
      throw SandboxCreationError("Tensorlake create failed: " + outcome.ambiguity + "; no sandbox was made after " +
                                     std::to_string(attempt + 1) + " attempts",
                                 {.backend = "tensorlake", .op = "create", .retryable = true});
    co_await sleep_for(http::backoff_delay(policy, attempt, unit_draw()));
  }
}

// Deletes the sandbox named `name`, if any. Never throws; gives up after cleanup_bound.
asio::awaitable<void> remove_named(const lifecycle_api& api, const std::string& name) {
  auto remove = [&]() -> asio::awaitable<void> {
    try {
      if (const auto found = co_await api.find(name, "create")) co_await api.remove(found->sandbox_id, "create");
    } catch (const SandboxError& e) {
      detail::log(log_level::warning, std::string("tensorlake create: cleanup of ") + name + " failed: " + e.what());
    }
  };
  asio::steady_timer bound(co_await asio::this_coro::executor, cleanup_bound);
  co_await process::first_of(remove(), bound.async_wait(asio::use_awaitable));
}

}  // namespace

asio::awaitable<sandbox_record> create_sandbox(const lifecycle_api& api, const boost::json::object& body,
                                               const std::string& name, std::chrono::milliseconds timeout,
                                               const http::retry_policy& policy, std::chrono::milliseconds poll) {
  const auto deadline = steady::now() + timeout;
  std::exception_ptr failure;
  bool cancelled = false;
  try {
    co_return co_await attempt_all(api, body, name, deadline, policy, poll);
  } catch (const boost::system::system_error& e) {
    cancelled = detail::is_cancellation(e);
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  if (cancelled) co_await asio::this_coro::reset_cancellation_state();
  co_await remove_named(api, name);
  std::rethrow_exception(failure);
}

}  // namespace sbx::drivers::tensorlake
