#pragma once

#include <boost/asio/co_spawn.hpp>

#include <exception>
#include <optional>
#include <type_traits>

namespace sbx::blocking {

template <class T>
T run(boost::asio::io_context& context, boost::asio::awaitable<T> operation) {
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
  context.restart();
  while (!done && context.run_one() > 0) {}
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

}  // namespace sbx::blocking
