// Creating a cloud sandbox without ever doubling it. The create call is not
// idempotent, so an ambiguous failure (connection lost after sending, timeout, a 5xx
// other than "no capacity") is resolved by looking the create up by a label unique to
// it, adopting what it finds, and only then trying again. A refusal (nothing was made)
// is simply tried again. A cancelled create removes whatever it may have made.
#pragma once

#include "guarded.hpp"
#include "http/retry.hpp"
#include "log.hpp"
#include "process/concurrently.hpp"
#include "sbx/errors.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <random>
#include <string>

namespace sbx::detail {

/// What one create call came to: the sandbox; a refusal after which nothing exists
/// (`refusal` holds its error); or an ambiguous outcome (`ambiguity` says why).
template <class Record>
struct create_attempt {
  std::optional<Record> created;
  std::exception_ptr refusal;
  std::string ambiguity;
};

/// The provider calls create_once makes. `find` returns what earlier attempts of this
/// create made (removing duplicates), `remove_all` removes all of it and must not throw.
template <class Record>
struct create_calls {
  std::function<boost::asio::awaitable<create_attempt<Record>>()> attempt;
  std::function<boost::asio::awaitable<std::optional<Record>>()> find;
  std::function<boost::asio::awaitable<void>()> remove_all;
};

/// A uniform draw in [0, 1) for backoff jitter.
inline double jitter_draw() {
  thread_local std::minstd_rand engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

/// Makes up to `policy.max_attempts` create calls, with full-jitter backoff between
/// them, until one makes a sandbox or an ambiguous one is found to have made it.
/// Errors: the last refusal; SandboxCreationError(`provider` create failed ...) when
/// every attempt was ambiguous and nothing was found; whatever attempt or find throw.
/// Cancellation: remove_all runs (for at most 30 s), then operation_aborted is rethrown.
template <class Record>
boost::asio::awaitable<Record> create_once(const create_calls<Record>& calls, const http::retry_policy& policy,
                                           const std::string& backend, const std::string& provider) {
  namespace asio = boost::asio;
  const unsigned attempts = std::max(1u, policy.max_attempts);
  std::exception_ptr cancelled;
  try {
    for (unsigned attempt = 0;; ++attempt) {
      auto outcome = co_await calls.attempt();
      if (outcome.created) co_return std::move(*outcome.created);
      const bool last = attempt + 1 >= attempts;
      if (outcome.refusal) {
        if (last) std::rethrow_exception(outcome.refusal);
      } else {
        log(log_level::info, backend + " create: outcome unknown (" + outcome.ambiguity + "); looking it up");
        if (auto found = co_await calls.find()) co_return std::move(*found);
        if (last)
          throw SandboxCreationError(provider + " create failed: " + outcome.ambiguity + "; no sandbox was made after " +
                                         std::to_string(attempts) + " attempts",
                                     {.backend = backend, .op = "create", .retryable = true});
      }
      asio::steady_timer pause(co_await asio::this_coro::executor, http::backoff_delay(policy, attempt, jitter_draw()));
      co_await pause.async_wait(asio::use_awaitable);
    }
  } catch (const boost::system::system_error& e) {
    if (!is_cancellation(e)) throw;
    cancelled = std::current_exception();
  }
  co_await asio::this_coro::reset_cancellation_state();
  asio::steady_timer bound(co_await asio::this_coro::executor, std::chrono::seconds(30));
  co_await process::first_of(calls.remove_all(), bound.async_wait(asio::use_awaitable));
  std::rethrow_exception(cancelled);
}

}  // namespace sbx::detail
