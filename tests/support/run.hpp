// Test helper: runs a coroutine to completion on a fresh io_context.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <type_traits>

namespace sbx_test {

/// Runs `operation` on a new io_context until it completes (background work such as
/// lifetime timers does not keep it waiting) and returns its value or rethrows.
template <class T>
T run(boost::asio::awaitable<T> operation) {
  boost::asio::io_context context;
  std::exception_ptr failure;
  bool done = false;
  std::conditional_t<std::is_void_v<T>, bool, std::optional<T>> result{};
  boost::asio::co_spawn(
      context,
      [&]() -> boost::asio::awaitable<void> {
        if constexpr (std::is_void_v<T>) {
          co_await std::move(operation);
        } else {
          result.emplace(co_await std::move(operation));
        }
      },
      [&](std::exception_ptr e) {
        failure = e;
        done = true;
      });
  while (!done && context.run_one() > 0) {}
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

}  // namespace sbx_test
