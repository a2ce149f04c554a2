#include "drivers/e2b/create_flow.hpp"

#include "create_once.hpp"
#include "log.hpp"

namespace sbx::drivers::e2b {
namespace {

namespace asio = boost::asio;

env_map nonce_filter(const std::string& nonce) { return {{label_create_nonce, nonce}}; }

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
  try {
    for (const auto& sandbox : co_await api.list(nonce_filter(nonce), "create")) {
      co_await api.kill(sandbox.sandbox_id, "create");
    }
  } catch (const SandboxError& e) {
    detail::log(log_level::warning, std::string("e2b create: cleanup after cancellation failed: ") + e.what());
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

asio::awaitable<sandbox_record> create_sandbox(const control_api& api, const boost::json::object& body,
                                               const std::string& nonce, std::chrono::milliseconds timeout,
                                               const http::retry_policy& policy) {
  const auto calls = calls_of(api, body, nonce, timeout);
  co_return co_await detail::create_once(calls, policy, "e2b", "E2B");
}

}  // namespace sbx::drivers::e2b
