#include "drivers/e2b/create_flow.hpp"

#include "guarded.hpp"
#include "log.hpp"

#include "process/concurrently.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

namespace sbx::drivers::e2b {
namespace {

namespace asio = boost::asio;

constexpr auto cleanup_bound = std::chrono::seconds(30);

env_map nonce_filter(const std::string& nonce) { return {{label_create_nonce, nonce}}; }

double unit_draw() {
  thread_local std::minstd_rand engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
}

// The sandbox an earlier attempt made, if any; duplicates are killed.
asio::awaitable<std::optional<sandbox_record>> find_by_nonce(const control_api& api, const std::string& nonce) {
  const auto found = co_await api.list(nonce_filter(nonce), "create");
  if (found.empty()) co_return std::nullopt;
  for (std::size_t i = 1; i < found.size(); ++i) co_await api.kill(found[i].sandbox_id, "create");
  detail::log(log_level::info, "e2b create: adopting sandbox " + found.front().sandbox_id + " made by an ambiguous attempt");
  co_return co_await api.get(found.front().sandbox_id, "create");  // carries the envd access token
}

// Kills whatever a cancelled create made. Never throws.
asio::awaitable<void> remove_by_nonce(const control_api& api, const std::string& nonce) {
  auto remove = [&]() -> asio::awaitable<void> {
    try {
      const auto made = co_await api.list(nonce_filter(nonce), "create");
      for (const auto& sandbox : made) co_await api.kill(sandbox.sandbox_id, "create");
    } catch (const SandboxError& e) {
      detail::log(log_level::warning, std::string("e2b create: cleanup after cancellation failed: ") + e.what());
    }
  };
  asio::steady_timer bound(co_await asio::this_coro::executor, cleanup_bound);
  co_await process::first_of(remove(), bound.async_wait(asio::use_awaitable));
}

}  // namespace

asio::awaitable<sandbox_record> create_sandbox(const control_api& api, const boost::json::object& body,
                                               const std::string& nonce, std::chrono::milliseconds timeout,
                                               const http::retry_policy& policy) {
  const unsigned attempts = std::max(1u, policy.max_attempts);
  std::exception_ptr cancelled;
  try {
    for (unsigned attempt = 0;; ++attempt) {
      const auto outcome = co_await api.create(body, timeout);
      if (outcome.created) co_return *outcome.created;
      const bool last = attempt + 1 >= attempts;
      if (outcome.refusal) {
        if (last) std::rethrow_exception(outcome.refusal);
      } else {
        detail::log(log_level::info, "e2b create: outcome unknown (" + outcome.ambiguity + "); checking by nonce");
        if (auto found = co_await find_by_nonce(api, nonce)) co_return std::move(*found);
        if (last)
          throw SandboxCreationError("E2B create failed: " + outcome.ambiguity + "; no sandbox was made after " +
                                         std::to_string(attempts) + " attempts",
                                     {.backend = "e2b", .op = "create", .retryable = true});
      }
      co_await sleep_for(http::backoff_delay(policy, attempt, unit_draw()));
    }
  } catch (const boost::system::system_error& e) {
    if (!detail::is_cancellation(e)) throw;
    cancelled = std::current_exception();
  }
  co_await asio::this_coro::reset_cancellation_state();
  co_await remove_by_nonce(api, nonce);
  std::rethrow_exception(cancelled);
}

}  // namespace sbx::drivers::e2b
