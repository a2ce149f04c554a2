// Gives every failure of a driver call the sbx shape: sbx errors and cancellation
// pass through unchanged; anything else becomes `Error` with backend and op set.
#pragma once

#include "sbx/errors.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <string>
#include <type_traits>

namespace sbx::detail {

/// True for the error Asio reports when an operation was cancelled.
inline bool is_cancellation(const boost::system::system_error& e) {
  return e.code() == boost::asio::error::operation_aborted;
}

/// Awaits `operation`; on a foreign exception throws
/// Error("<op> failed: <what>", {.backend, .op}). Cancellation (operation_aborted) and
/// SandboxError propagate as they are.
template <class Error = SandboxExecutionError, class T>
boost::asio::awaitable<T> guarded(std::string backend, std::string op,
                                  boost::asio::awaitable<T> operation) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(operation);
    } else {
      co_return co_await std::move(operation);
    }
  } catch (const SandboxError&) {
    throw;
  } catch (const boost::system::system_error& e) {
    if (is_cancellation(e)) throw;
    throw Error(op + " failed: " + e.what(), {.backend = backend, .op = op});
  } catch (const std::exception& e) {
    throw Error(op + " failed: " + e.what(), {.backend = backend, .op = op});
  }
}

}  // namespace sbx::detail
