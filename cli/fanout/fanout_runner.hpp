// Many sandboxes at once on one executor: create, exec, destroy, timed per phase.
#pragma once

#include "sbx/client.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sbx::fanout {

/// What a fan-out runs.
struct fanout_options {
  std::size_t count = 1;            // sandboxes to run
  std::size_t concurrency = 0;      // at most this many at once; 0: all of them
  CreateOptions create;             // every sandbox is created with these
  std::vector<std::string> command; // see exec_words; "{i}" becomes the sandbox index
  ExecOptions exec;
};

/// Latencies of the sandboxes that completed each phase (total: create to destroyed,
/// for the sandboxes that succeeded).
struct phase_samples {
  std::vector<std::chrono::nanoseconds> create;
  std::vector<std::chrono::nanoseconds> exec;
  std::vector<std::chrono::nanoseconds> destroy;
  std::vector<std::chrono::nanoseconds> total;
};

/// How a fan-out went.
struct fanout_result {
  std::size_t requested = 0;
  std::size_t succeeded = 0;   // created, command exited 0, destroyed
  std::size_t failed = 0;      // an error, a non-zero exit or an exec timeout
  std::size_t cancelled = 0;   // interrupted by stop(), or never started after it
  std::size_t cleaned_up = 0;  // live sandboxes destroyed after stop()
  bool stopped = false;
  std::chrono::nanoseconds wall{};
  phase_samples samples;
  std::vector<std::string> errors;  // the first distinct failure messages
};

/// Counters for a live progress display.
struct fanout_progress {
  std::size_t done = 0;    // succeeded + failed
  std::size_t failed = 0;
  std::size_t live = 0;    // sandboxes created and not yet destroyed
  bool stopping = false;   // stop() was called
  std::chrono::nanoseconds elapsed{};
};

/// Creates one sandbox: Client::create, or Router::create.
using sandbox_factory = std::function<awaitable<Sandbox>(CreateOptions)>;

/// Runs `count` sandboxes through create, exec and destroy with at most `concurrency`
/// in flight, as coroutines on the client's executor (one thread is enough). A
/// sandbox's failure is counted, never thrown. Use from that executor only.
class fanout_runner {
 public:
  /// How many distinct failure messages a result keeps.
  static constexpr std::size_t max_errors = 5;

  /// Fans out sandboxes created by `client`.
  fanout_runner(Client client, fanout_options options);
  /// Same, creating each sandbox with `create` (e.g. a Router's create).
  fanout_runner(sandbox_factory create, fanout_options options);
  fanout_runner(const fanout_runner&) = delete;
  fanout_runner& operator=(const fanout_runner&) = delete;

  /// Runs the fan-out; returns once every sandbox it created is destroyed. Call once.
  /// Cancellation acts as stop(): the result comes back once the cleanup is done.
  /// Errors: only what escapes a sandbox's bookkeeping (std::bad_alloc).
  awaitable<fanout_result> run();

  /// Stops starting sandboxes and cancels the creates and execs in flight; sandboxes
  /// already created are still destroyed before run() returns.
  void stop();

  /// The counters so far.
  fanout_progress progress() const;

 private:
  awaitable<void> worker();
  awaitable<void> run_one(std::size_t index);
  awaitable<void> destroy(Sandbox& sandbox, std::optional<std::string>& failure);
  void record(std::optional<std::string> failure);
  void worker_finished(std::exception_ptr error);

  sandbox_factory create_;
  fanout_options options_;
  std::chrono::steady_clock::time_point started_;
  std::size_t next_index_ = 0;
  std::size_t running_workers_ = 0;
  std::size_t live_ = 0;
  bool stopping_ = false;
  std::deque<boost::asio::cancellation_signal> worker_signals_;
  std::optional<boost::asio::steady_timer> all_finished_;  // made by run()
  std::exception_ptr worker_error_;
  fanout_result result_;
};

}  // namespace sbx::fanout
