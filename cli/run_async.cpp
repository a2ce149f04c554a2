#include "run_async.hpp"

#include "sbx/blocking.hpp"
#include "sbx/shutdown.hpp"

#include <boost/asio/io_context.hpp>

namespace sbx::cli {

int run_async(awaitable<int> main) {
  boost::asio::io_context context(1);
  return blocking::run(context, [](awaitable<int> body) -> awaitable<int> {
    std::exception_ptr failure;
    int status = 0;
    try {
      status = co_await std::move(body);
    } catch (...) {
      failure = std::current_exception();
    }
    co_await wait_for_dropped_sandboxes();
    if (failure) std::rethrow_exception(failure);
    co_return status;
  }(std::move(main)));
}

}  // namespace sbx::cli
