// Shared scaffolding of the contract cases: run a body against a fresh sandbox.
#pragma once

#include "contract_backend.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <exception>
#include <functional>

// Catch2's CHECK/REQUIRE may evaluate their expression more than once inside a GCC 12
// coroutine, so an expression that co_awaits goes through these: evaluated exactly once.
#define AWAIT_CHECK(...)                                            \
  do {                                                              \
    const bool sbx_checked_ = static_cast<bool>(__VA_ARGS__);       \
    if (sbx_checked_) SUCCEED(#__VA_ARGS__);                        \
    else FAIL_CHECK(#__VA_ARGS__);                                  \
  } while (false)
#define AWAIT_CHECK_FALSE(...) AWAIT_CHECK(!(__VA_ARGS__))
#define AWAIT_REQUIRE(...)                                          \
  do {                                                              \
    const bool sbx_checked_ = static_cast<bool>(__VA_ARGS__);       \
    if (!sbx_checked_) FAIL(#__VA_ARGS__);                          \
  } while (false)

namespace sbx_contract {

using sbx::awaitable;
using sandbox_body = std::function<awaitable<void>(sbx::Sandbox&)>;

/// Creates a sandbox with `options`, awaits `body`, and destroys the sandbox even when
/// the body fails (then rethrows).
inline awaitable<void> with_sandbox_async(sbx::CreateOptions options, sandbox_body body) {
  auto client = co_await connect();
  auto sandbox = co_await create(client, std::move(options));
  std::exception_ptr failure;
  try {
    co_await body(sandbox);
  } catch (...) {
    failure = std::current_exception();
  }
  co_await sandbox.destroy();
  if (failure) std::rethrow_exception(failure);
}

/// True when awaiting `operation` throws `Error` (any other outcome: false or rethrow).
template <class Error = sbx::SandboxError, class T>
awaitable<bool> throws(awaitable<T> operation) {
  try {
    co_await std::move(operation);
  } catch (const Error&) {
    co_return true;
  }
  co_return false;
}

/// Blocking entry point for a TEST_CASE.
inline void with_sandbox(sbx::CreateOptions options, sandbox_body body) {
  sbx_test::run(with_sandbox_async(std::move(options), std::move(body)));
}
inline void with_sandbox(sandbox_body body) { with_sandbox({}, std::move(body)); }

}  // namespace sbx_contract
