#include "drivers/daytona/create_flow.hpp"

#include "log.hpp"

namespace sbx::drivers::daytona {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

env_map nonce_filter(const std::string& nonce) { return {{label_create_nonce, nonce}}; }

asio::awaitable<void> sleep_for(clock::duration delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
}

// The sandbox an earlier attempt made, if any; duplicates are deleted.
asio::awaitable<std::optional<sandbox_record>> find_by_nonce(const control_api& api, const std::string& nonce) {
  auto found = co_await api.list(nonce_filter(nonce), "create");
  if (found.empty()) co_return std::nullopt;
  for (std::size_t i = 1; i < found.size(); ++i) co_await api.remove(found[i].id, "create");
  detail::log(log_level::info, "daytona create: adopting sandbox " + found.front().id + " made by an ambiguous attempt");
  co_return std::move(found.front());
}

// Deletes whatever this create made. Never throws.
asio::awaitable<void> remove_by_nonce(const control_api& api, const std::string& nonce) {
  try {
    for (const auto& sandbox : co_await api.list(nonce_filter(nonce), "create")) co_await api.remove(sandbox.id, "create");
  } catch (const SandboxError& e) {
    detail::log(log_level::warning, std::string("daytona create: cleanup failed: ") + e.what());
  }
}

// Deletes a sandbox that will not be handed out. Never throws.
asio::awaitable<void> discard(const control_api& api, const std::string& id) {
  try {
    co_await api.remove(id, "create");
  } catch (const SandboxError& e) {
    detail::log(log_level::warning, "daytona create: deleting sandbox " + id + " failed: " + e.what());
  }
}

error_info creation_info(const sandbox_record& record) {
  return {.backend = "daytona", .op = "create", .context = {{"sandbox_id", record.id}, {"state", record.state}}};
}

// Polls `record` until it is started. Throws as create_started describes (without
// deleting the sandbox).
asio::awaitable<sandbox_record> wait_started(const control_api& api, sandbox_record record, clock::time_point deadline) {
  const auto began = clock::now();
  clock::duration delay = 100ms;
  for (;;) {
    switch (classify_state(record.state)) {
      case state_kind::started:
        if (record.toolbox_proxy_url.empty())
          throw SandboxCreationError("Daytona sandbox " + record.id + " has no toolboxProxyUrl", creation_info(record));
        co_return record;
      case state_kind::failed:
        throw SandboxCreationError("Daytona sandbox " + record.id + " failed to start (" + record.state + ")" +
                                       (record.error_reason.empty() ? "" : ": " + record.error_reason),
                                   creation_info(record));
      case state_kind::gone:
        throw SandboxCreationError("Daytona sandbox " + record.id + " was deleted while starting", creation_info(record));
      case state_kind::pending:
        break;
    }
    if (clock::now() >= deadline)
      throw SandboxTimeoutError("Daytona sandbox " + record.id + " did not start within the create timeout (state " +
                                    record.state + ")",
                                creation_info(record));
    co_await sleep_for(std::min(delay, std::max<clock::duration>(deadline - clock::now(), 1ms)));
    if (clock::now() - began > 5s) delay = std::min<clock::duration>(std::chrono::duration_cast<clock::duration>(delay * 1.1), 1s);
    try {
      record = co_await api.get(record.id, "create");
    } catch (const SandboxNotFoundError&) {
      record.state = "destroyed";
    }
  }
}

// The calls create_once makes (built outside the coroutine: GCC 12).
detail::create_calls<sandbox_record> calls_of(const control_api& api, const boost::json::object& body,
                                              const std::string& nonce, std::chrono::milliseconds timeout) {
  return {
      .attempt = [&api, &body, timeout]() { return api.create(body, timeout); },
      .find = [&api, &nonce]() { return find_by_nonce(api, nonce); },
      .remove_all = [&api, &nonce]() { return remove_by_nonce(api, nonce); },
  };
}

}  // namespace

asio::awaitable<sandbox_record> create_started(const control_api& api, const boost::json::object& body,
                                               const std::string& nonce, std::chrono::milliseconds timeout,
                                               const http::retry_policy& policy) {
  const auto deadline = clock::now() + timeout;
  const auto calls = calls_of(api, body, nonce, timeout);
  auto record = co_await detail::create_once(calls, policy, "daytona", "Daytona");
  const std::string id = record.id;
  std::exception_ptr failure;
  bool cancelled = false;
  try {
    co_return co_await wait_started(api, std::move(record), deadline);
  } catch (const boost::system::system_error& e) {
    if (!detail::is_cancellation(e)) throw;
    cancelled = true;
    failure = std::current_exception();
  } catch (const SandboxError&) {
    failure = std::current_exception();
  }
  if (cancelled) co_await asio::this_coro::reset_cancellation_state();
  asio::steady_timer bound(co_await asio::this_coro::executor, 30s);
  co_await process::first_of(discard(api, id), bound.async_wait(asio::use_awaitable));
  std::rethrow_exception(failure);
}

}  // namespace sbx::drivers::daytona
