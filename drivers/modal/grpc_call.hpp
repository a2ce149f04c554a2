// grpc++'s callback API as Asio awaitables. grpc completes calls on its own threads;
// every completion is posted back to the executor of the coroutine that awaits it, so
// driver code never runs on a grpc thread. Asio cancellation (a cancellation slot, as
// used by `||`, first_of or a timer race) cancels the grpc call (TryCancel); the
// awaiting coroutine then sees operation_aborted. Every call is recorded in its
// execution context's call_registry (grpc_calls.hpp) from start to grpc's final
// callback, so destroying the context cancels and waits for it instead of leaving a
// grpc thread to post into freed memory.
#pragma once

#include "drivers/modal/grpc_calls.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>

namespace sbx::drivers::modal {

namespace grpc_bridge {

/// Throws operation_aborted (what an Asio cancellation of a call looks like).
[[noreturn]] inline void throw_aborted() {
  throw boost::system::system_error(asio::error::operation_aborted);
}

/// The status a call gets when its execution context is already shutting down.
inline grpc::Status shut_down_status() {
  return {grpc::StatusCode::CANCELLED, "the execution context is shutting down"};
}

}  // namespace grpc_bridge

/// State of one unary call, shared with grpc until it completes.
template <class Request, class Response>
struct unary_call {
  grpc::ClientContext context;
  Request request;
  Response response;
  std::atomic<bool> cancelled{false};  // cancelled through the Asio slot
};

/// Runs a unary call: `start(context, request, response, done)` must issue it through a
/// stub's async() interface. Returns its status on the awaiting coroutine's executor.
/// Cancellation: TryCancel; the status is then CANCELLED and call->cancelled is set.
template <class Request, class Response, class Start>
boost::asio::awaitable<grpc::Status> run_unary(std::shared_ptr<unary_call<Request, Response>> call, Start start) {
  namespace asio = boost::asio;
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(grpc::Status)>(
      [call, start = std::move(start)](auto handler) mutable {
        const auto executor = asio::get_associated_executor(handler);
        auto& calls = grpc_bridge::call_registry::of(executor);
        auto slot = asio::get_associated_cancellation_slot(handler);
        if (slot.is_connected())
          slot.assign([call](asio::cancellation_type) {
            call->cancelled = true;
            call->context.TryCancel();
          });
        grpc_bridge::completion done(calls, std::move(handler));
        if (!calls.add(&call->context, call)) {
          done(grpc_bridge::shut_down_status());
          return;
        }
        start(&call->context, &call->request, &call->response,
              std::function<void(grpc::Status)>([call, done, &calls, executor](grpc::Status status) mutable {
                done(std::move(status));
                auto* context = &call->context;
                calls.finish(context, executor, std::move(call));  // the last touch of either
              }));
      },
      asio::use_awaitable);
}

/// A server-streaming call. Each read is started from grpc's own OnReadDone reaction
/// (the first one before StartCall), so a read is always pending until the stream ends
/// and grpc never finishes the call under a reader; messages wait in a queue until
/// next() takes them. Destroying the reader cancels a call still running. Await it
/// from the executor it was opened with.
template <class Request, class Response>
class stream_reader {
 public:
  /// `configure(context)` sets metadata and deadline; `start(context, request, reactor)`
  /// issues the call through a stub's async() interface; the call registry of
  /// `executor`'s context records it, and its state is released there. When the
  /// execution context is already shutting down, nothing starts and the stream ends at
  /// once with CANCELLED.
  template <class Configure, class Start>
  stream_reader(const boost::asio::any_io_executor& executor, Request request, Configure configure, Start start)
      : state_(std::make_shared<reactor>()) {
    state_->executor = executor;
    state_->calls = &grpc_bridge::call_registry::of(executor);
    state_->request = std::move(request);
    configure(state_->context);
    if (!state_->calls->add(&state_->context, state_)) {
      state_->ended = state_->done = true;
      state_->status = grpc_bridge::shut_down_status();
      return;
    }
    state_->self = state_;
    start(&state_->context, &state_->request, state_.get());
    state_->StartRead(&state_->message);
    state_->StartCall();
  }
  ~stream_reader() {
    if (state_) state_->context.TryCancel();
  }
  stream_reader(stream_reader&&) noexcept = default;
  stream_reader(const stream_reader&) = delete;
  stream_reader& operator=(const stream_reader&) = delete;

  /// Moves the next message into `out` and returns true, or returns false once the
  /// stream ended (then status() says how). (An out-parameter: GCC 12 miscompiles
  /// coroutines returning protobuf messages by value.) Cancellation: the call is
  /// cancelled and operation_aborted thrown.
  boost::asio::awaitable<bool> next(Response& out) {
    auto r = state_;
    co_await message_or_end(r);
    {
      std::lock_guard lock(r->mutex);
      if (!r->ready.empty()) {
        out.Swap(&r->ready.front());
        r->ready.pop_front();
        co_return true;
      }
    }
    status_ = co_await final_status(r);
    if (r->cancelled) grpc_bridge::throw_aborted();
    co_return false;
  }

  /// The final status (valid once next() returned false).
  const grpc::Status& status() const noexcept { return status_; }

 private:
  struct reactor final : grpc::ClientReadReactor<Response> {
    void OnReadDone(bool ok) override {
      std::function<void()> wake;
      {
        std::lock_guard lock(mutex);
        if (ok) ready.push_back(std::move(message));
        else ended = true;
        wake = std::move(waiter);
        waiter = nullptr;
      }
      if (ok) this->StartRead(&message);  // inside the reaction: the next read
      if (wake) wake();
    }
    void OnDone(const grpc::Status& s) override {
      std::function<void()> wake;
      std::function<void(grpc::Status)> handler;
      {
        std::lock_guard lock(mutex);
        status = s;
        ended = done = true;
        wake = std::move(waiter);
        handler = std::move(on_done);
      }
      if (wake) wake();
      if (handler) handler(s);
      // Copies first: once finished, the executor's thread may release this reactor.
      auto* registry = calls;
      auto* call = &context;
      const auto owner_executor = executor;
      registry->finish(call, owner_executor, std::move(self));
    }

    boost::asio::any_io_executor executor;  // where the reactor is released
    grpc_bridge::call_registry* calls = nullptr;
    grpc::ClientContext context;
    Request request;
    Response message;  // the pending read's target (grpc threads only)
    std::mutex mutex;
    std::deque<Response> ready;
    bool ended = false;
    std::function<void()> waiter;
    std::function<void(grpc::Status)> on_done;
    bool done = false;
    grpc::Status status;
    std::atomic<bool> cancelled{false};
    std::shared_ptr<reactor> self;  // grpc's reference, dropped in OnDone
  };

  // The two waits of next(). Plain functions, not coroutines, on purpose: GCC 12
  // destroys a lambda temporary that sits inside a co_await expression of a coroutine
  // twice, so a `[r]` capture there released one reference to the reactor too many
  // per call and freed it while grpc still read into its message.

  /// Completes once a message is queued or the stream ended.
  static boost::asio::awaitable<void> message_or_end(std::shared_ptr<reactor> r) {
    namespace asio = boost::asio;
    return asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
        [r](auto handler) {
          connect_cancellation(r, handler);
          grpc_bridge::completion done(*r->calls, std::move(handler));
          std::unique_lock lock(r->mutex);
          if (!r->ready.empty() || r->ended) {
            lock.unlock();
            done();
            return;
          }
          r->waiter = done;
        },
        asio::use_awaitable);
  }

  /// Completes with the call's final status once grpc reported it (OnDone).
  static boost::asio::awaitable<grpc::Status> final_status(std::shared_ptr<reactor> r) {
    namespace asio = boost::asio;
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(grpc::Status)>(
        [r](auto handler) {
          connect_cancellation(r, handler);
          grpc_bridge::completion done(*r->calls, std::move(handler));
          std::unique_lock lock(r->mutex);
          if (r->done) {
            auto status = r->status;
            lock.unlock();
            done(std::move(status));
            return;
          }
          r->on_done = done;
        },
        asio::use_awaitable);
  }

  template <class Handler>
  static void connect_cancellation(const std::shared_ptr<reactor>& r, Handler& handler) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected())
      slot.assign([r](boost::asio::cancellation_type) {
        r->cancelled = true;
        r->context.TryCancel();
      });
  }

  std::shared_ptr<reactor> state_;
  grpc::Status status_;
};

}  // namespace sbx::drivers::modal
