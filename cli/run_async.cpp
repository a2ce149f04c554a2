#include "run_async.hpp"

#include "sbx/blocking.hpp"

#include <boost/asio/io_context.hpp>

namespace sbx::cli {

int run_async(awaitable<int> main) {
  boost::asio::io_context context(1);
  return blocking::run(context, std::move(main));
}

}  // namespace sbx::cli
