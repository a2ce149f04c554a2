#include "progress_line.hpp"

#include "terminal_output.hpp"

#include <unistd.h>

#include <chrono>

namespace sbx::cli {

namespace {

constexpr std::string_view clear_line = "\r\033[K";

}  // namespace

progress_line::progress_line(boost::asio::any_io_executor executor, std::function<std::string()> render)
    : timer_(std::move(executor)), render_(std::move(render)), active_(isatty(STDERR_FILENO) == 1) {
  if (active_) schedule();
}

progress_line::~progress_line() {
  if (active_) write_all(STDERR_FILENO, clear_line);
}

void progress_line::schedule() {
  timer_.expires_after(std::chrono::milliseconds(100));
  // The handler runs after destruction only with an error, and then touches nothing.
  timer_.async_wait([this](boost::system::error_code error) {
    if (error) return;
    write_all(STDERR_FILENO, std::string(clear_line) + render_());
    schedule();
  });
}

}  // namespace sbx::cli
