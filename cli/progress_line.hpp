// A one-line live status on stderr, for terminals only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <string>

namespace sbx::cli {

/// Redraws `render()` on stderr about ten times a second while it lives, and only when
/// stderr is a terminal; the line is cleared on destruction.
class progress_line {
 public:
  progress_line(boost::asio::any_io_executor executor, std::function<std::string()> render);
  progress_line(const progress_line&) = delete;
  progress_line& operator=(const progress_line&) = delete;
  ~progress_line();

 private:
  void schedule();

  boost::asio::steady_timer timer_;
  std::function<std::string()> render_;
  bool active_;
};

}  // namespace sbx::cli
