// SIGINT and SIGTERM as cancellation, so an interrupted command still cleans up.
#pragma once

#include "sbx/driver.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/signal_set.hpp>

namespace sbx::cli {

/// The exit status of a command stopped by SIGINT or SIGTERM.
inline constexpr int exit_interrupted = 130;

/// Catches SIGINT and SIGTERM for as long as it lives: they no longer kill the process
/// but cancel the operation being run. A signal that arrives between two runs cancels
/// the next one at once.
class interrupt_guard {
 public:
  explicit interrupt_guard(boost::asio::any_io_executor executor);

  /// Awaits `operation` unless a signal comes first; then the operation is cancelled
  /// and awaited until it has wound down. Returns true when interrupted. Errors: the
  /// operation's, except after an interruption (its cancellation error is expected).
  awaitable<bool> run(awaitable<void> operation);

 private:
  boost::asio::signal_set signals_;
};

}  // namespace sbx::cli
