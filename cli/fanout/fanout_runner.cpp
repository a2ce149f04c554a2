#include "fanout/fanout_runner.hpp"

#include "fanout/command_words.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace sbx::fanout {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

namespace {

// Why a finished command counts as a failure, or nothing when it exited 0.
std::optional<std::string> exit_failure(const ExecResult& result) {
  if (result.exit_code == 0 && !result.timed_out) return std::nullopt;
  std::string message = result.timed_out ? "command timed out (exit code 124)"
                                         : "command exited with code " + std::to_string(result.exit_code);
  const auto first_line = std::string_view(result.std_err).substr(0, result.std_err.find('\n'));
  if (!first_line.empty()) message += ": " + std::string(first_line.substr(0, 200));
  return message;
}

// A cancellation filter that lets nothing through.
asio::cancellation_type ignore_cancellation(asio::cancellation_type) {
  return asio::cancellation_type::none;
}

}  // namespace

fanout_runner::fanout_runner(Client client, fanout_options options)
    : fanout_runner([client](CreateOptions create) mutable { return client.create(std::move(create)); },
                    std::move(options)) {}

fanout_runner::fanout_runner(sandbox_factory create, fanout_options options)
    : create_(std::move(create)), options_(std::move(options)) {}

awaitable<fanout_result> fanout_runner::run() {
  const auto executor = co_await asio::this_coro::executor;
  started_ = clock::now();
  result_.requested = options_.count;
  const auto limit = options_.concurrency == 0 ? options_.count : options_.concurrency;
  running_workers_ = std::min(options_.count, limit);
  all_finished_.emplace(executor, clock::time_point::max());
  for (std::size_t i = 0; i < running_workers_; ++i) {
    auto& signal = worker_signals_.emplace_back();
    asio::co_spawn(executor, worker(),
                   asio::bind_cancellation_slot(signal.slot(), [this](std::exception_ptr error) {
                     worker_finished(error);
                   }));
  }
  while (running_workers_ > 0) {
    // Woken by the last worker, or by a cancellation of run(), which acts as stop().
    co_await all_finished_->async_wait(asio::as_tuple(asio::use_awaitable));
    if (running_workers_ > 0) {
      stop();
      co_await asio::this_coro::reset_cancellation_state();
    }
  }
  if (worker_error_) std::rethrow_exception(worker_error_);
  result_.cancelled = result_.requested - result_.succeeded - result_.failed;
  result_.stopped = stopping_;
  result_.wall = clock::now() - started_;
  co_return std::move(result_);
}

void fanout_runner::stop() {
  if (stopping_) return;
  stopping_ = true;
  for (auto& signal : worker_signals_) signal.emit(asio::cancellation_type::terminal);
}

fanout_progress fanout_runner::progress() const {
  return {.done = result_.succeeded + result_.failed,
          .failed = result_.failed,
          .live = live_,
          .stopping = stopping_,
          .elapsed = clock::now() - started_};
}

awaitable<void> fanout_runner::worker() {
  while (!stopping_ && next_index_ < options_.count) co_await run_one(next_index_++);
}

awaitable<void> fanout_runner::run_one(std::size_t index) {
  const auto started = clock::now();
  std::optional<Sandbox> sandbox;
  std::optional<std::string> failure;
  try {
    sandbox.emplace(co_await create_(options_.create));
    ++live_;
    const auto created = clock::now();
    result_.samples.create.push_back(created - started);
    const auto outcome =
        co_await exec_words(*sandbox, with_index(options_.command, index), options_.exec);
    result_.samples.exec.push_back(clock::now() - created);
    failure = exit_failure(outcome);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (sandbox) {
    // A stop must not leak the sandbox: its destroy runs shielded from cancellation.
    // (The shield goes up here: co_await itself throws in a cancelled coroutine.)
    co_await asio::this_coro::reset_cancellation_state(ignore_cancellation);
    co_await destroy(*sandbox, failure);
    co_await asio::this_coro::reset_cancellation_state();
  }
  if (!failure) result_.samples.total.push_back(clock::now() - started);
  record(std::move(failure));
}

awaitable<void> fanout_runner::destroy(Sandbox& sandbox, std::optional<std::string>& failure) {
  const auto started = clock::now();
  try {
    co_await sandbox.destroy();
    result_.samples.destroy.push_back(clock::now() - started);
  } catch (const std::exception& e) {
    if (!failure) failure = e.what();
  }
  --live_;
  if (stopping_) ++result_.cleaned_up;
}

void fanout_runner::record(std::optional<std::string> failure) {
  if (!failure) {
    ++result_.succeeded;
    return;
  }
  if (stopping_) return;  // interrupted: counted as cancelled at the end
  ++result_.failed;
  auto& errors = result_.errors;
  if (errors.size() < max_errors && std::find(errors.begin(), errors.end(), *failure) == errors.end())
    errors.push_back(std::move(*failure));
}

void fanout_runner::worker_finished(std::exception_ptr error) {
  if (error && !worker_error_) worker_error_ = error;
  if (--running_workers_ == 0) all_finished_->cancel();
}

}  // namespace sbx::fanout
