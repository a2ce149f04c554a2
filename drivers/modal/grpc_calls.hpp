// How grpc completions reach an Asio execution context safely, even when that context
// is destroyed while calls are still in flight.
//
// grpc++ completes callback-API calls on its own threads; each completion is posted to
// the executor of the operation awaiting it, which holds outstanding work on that
// executor from initiation to delivery (as Asio's own I/O objects do, so
// io_context::run() does not return while a call is in flight). The hazard is the
// context's destruction: an owner may destroy it with calls still pending (a test
// runner that stops once its coroutine is done; a dropped sandbox's background destroy
// still running at exit). A grpc thread that then posts to the context, or merely
// releases its work count, touches a freed scheduler.
//
// The design follows what Asio's own I/O services do at shutdown. One `call_registry`
// service per execution context (asio::use_service) knows every grpc call started for
// it. Its shutdown(), run by the context's destructor before any service is destroyed
// and before the scheduler drops its queued handlers (services shut down newest first;
// the scheduler is the oldest), marks the registry closed,
// cancels every call in flight (ClientContext::TryCancel) and blocks until grpc has
// reported the end of each one (grpc guarantees that final callback, promptly after a
// cancellation). Handlers whose results arrive once closed are not invoked but kept
// and destroyed on the shutting-down thread, exactly as Asio abandons pending
// operations. A delivery and the closed flag share one mutex, so a grpc thread has
// either finished posting (and released its work count) before shutdown goes on, or
// it sees the registry closed and never touches the context. Nothing bound to the
// context stays on a grpc thread after a delivery: the handler and its work-tracking
// executor are moved out of the record grpc holds, never copied, and the call's own
// state (ClientContext, and through it the channel) is released on the context too.
//
// Alternatives rejected: a work guard alone cannot stop an owner that destroys the
// context without running it dry; a "target alive" flag checked by the grpc thread
// races with the destruction unless the destroyer takes the same lock and waits,
// which is what the service's shutdown() does at the one place Asio guarantees to call.
#pragma once

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>

#include <grpcpp/client_context.h>

#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace sbx::drivers::modal::grpc_bridge {

namespace asio = boost::asio;

/// The grpc calls in flight for one execution context (an Asio service: one per
/// context, made on first use, thread-safe).
class call_registry final : public asio::execution_context::service {
 public:
  using key_type = call_registry;
  inline static asio::execution_context::id id;

  explicit call_registry(asio::execution_context& context) : asio::execution_context::service(context) {}

  /// The registry of the context `executor` belongs to.
  template <class Executor>
  static call_registry& of(const Executor& executor) {
    return asio::use_service<call_registry>(asio::query(executor, asio::execution::context));
  }

  /// Records a call about to be started with `context`; `owner` keeps that context
  /// alive while it is recorded. False once the context is shutting down: the call
  /// must then not be started.
  bool add(grpc::ClientContext* context, std::shared_ptr<void> owner) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    calls_.emplace(context, std::move(owner));
    return true;
  }

  /// Forgets a call at its end (grpc's final callback; no delivery for it may follow)
  /// and hands `owner` back to `executor` to be released there, never on the grpc
  /// thread: a ClientContext can hold the last reference to its channel, and a channel
  /// destroyed on grpc's callback thread double-freed grpc 1.51's callback completion
  /// queue (seen under ASan). Once closed, `owner` is kept for shutdown to release.
  template <class Executor>
  void finish(grpc::ClientContext* context, const Executor& executor, std::shared_ptr<void> owner) {
    std::lock_guard lock(mutex_);
    if (const auto found = calls_.find(context); found != calls_.end()) {
      std::vector<std::shared_ptr<void>> owners{std::move(found->second), std::move(owner)};
      calls_.erase(found);
      if (closed_) {
        abandoned_.insert(abandoned_.end(), owners.begin(), owners.end());
      } else {
        asio::post(executor, [owners = std::move(owners)] {});
      }
    }
    if (calls_.empty()) idle_.notify_all();
  }

  /// Takes the handler out of `box` (if still there) and posts it, invoked with `args`,
  /// to its executor; once closed, keeps it for shutdown to destroy instead.
  template <class Waiting, class... Args>
  void deliver(std::optional<Waiting>& box, Args... args) {
    std::lock_guard lock(mutex_);
    if (!box) return;
    Waiting waiting = std::move(*box);
    box.reset();
    if (closed_) {
      abandoned_.push_back(std::make_shared<Waiting>(std::move(waiting)));
      return;
    }
    // The posted function counts as work itself, so `waiting.work` may end with this scope.
    asio::post(waiting.work, [handler = std::move(waiting.handler), args...]() mutable {
      asio::get_associated_cancellation_slot(handler).clear();
      std::move(handler)(std::move(args)...);
    });
  }

 private:
  void shutdown() override {
    std::vector<std::pair<grpc::ClientContext*, std::shared_ptr<void>>> in_flight;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      in_flight.assign(calls_.begin(), calls_.end());
    }
    // Outside the lock: grpc may run a call's final callback on this very thread.
    for (const auto& [context, owner] : in_flight) context->TryCancel();
    in_flight.clear();
    std::vector<std::shared_ptr<void>> abandoned;
    {
      std::unique_lock lock(mutex_);
      idle_.wait(lock, [this] { return calls_.empty(); });
      abandoned.swap(abandoned_);
    }
    // `abandoned` ends here, on the thread destroying the context, while its scheduler
    // still exists (services shut down before any is destroyed).
  }

  std::mutex mutex_;
  std::condition_variable idle_;
  bool closed_ = false;
  std::map<grpc::ClientContext*, std::shared_ptr<void>> calls_;
  std::vector<std::shared_ptr<void>> abandoned_;
};

/// A handler waiting for a grpc result, with outstanding work on its executor until
/// it is delivered (or abandoned).
template <class Handler>
struct waiting {
  Handler handler;
  std::decay_t<decltype(asio::prefer(std::declval<asio::associated_executor_t<Handler>>(),
                                     asio::execution::outstanding_work.tracked))>
      work;
};

/// `handler` made deliverable from grpc's threads through `calls` (call_registry::deliver):
/// invoking the completion posts the handler, with the arguments, to its executor.
/// Copyable (std::function needs that); the first invocation delivers, later ones do
/// nothing. Make it on the handler's executor, for a call recorded in `calls`.
template <class Handler>
class completion {
 public:
  completion(call_registry& calls, Handler handler)
      : calls_(&calls), box_(std::make_shared<std::optional<waiting<Handler>>>()) {
    auto work = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
    box_->emplace(waiting<Handler>{std::move(handler), std::move(work)});
  }

  template <class... Args>
  void operator()(Args... args) const {
    calls_->deliver(*box_, std::move(args)...);
  }

 private:
  call_registry* calls_;
  std::shared_ptr<std::optional<waiting<Handler>>> box_;
};

}  // namespace sbx::drivers::modal::grpc_bridge
