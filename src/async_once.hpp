// Runs an asynchronous initialisation once; concurrent callers wait for it, and a
// failed attempt lets the next caller try again. Single executor, no locks.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <functional>

namespace sbx::detail {

class async_once {
 public:
  explicit async_once(boost::asio::any_io_executor executor) : done_signal_(executor) {}

  /// Awaits `init()` on the first call; later calls return at once, calls made while
  /// it runs wait for it and see its exception if it fails.
  boost::asio::awaitable<void> run(const std::function<boost::asio::awaitable<void>()>& init) {
    while (!done_) {
      if (!running_) {
        running_ = true;
        std::exception_ptr failure;
        try {
          co_await init();
          done_ = true;
        } catch (...) {
          failure = std::current_exception();
        }
        running_ = false;
        done_signal_.cancel();
        if (failure) std::rethrow_exception(failure);
        co_return;
      }
      done_signal_.expires_at(boost::asio::steady_timer::time_point::max());
      boost::system::error_code ignored;
      co_await done_signal_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
  }

 private:
  boost::asio::steady_timer done_signal_;
  bool done_ = false;
  bool running_ = false;
};

}  // namespace sbx::detail
