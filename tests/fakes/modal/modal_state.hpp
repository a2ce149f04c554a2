// The state of the Modal fake, shared by its two gRPC services (control plane and task
// command router) and its HTTP control route. gRPC handlers run on grpc++'s threads;
// everything that touches the sandbox registry or the fault injector runs on the fake's
// io_context, reached through on_io().
#pragma once

#include "fakes/common/fake_main.hpp"
#include "fakes/modal/exec_record.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sbx_fake::modal {

/// Credentials the fake accepts (empty: any non-empty value).
struct modal_options {
  std::string token_id;
  std::string token_secret;
};

/// What a fault decision asks the handler to do.
struct admission {
  grpc::Status refusal;  // not OK: answer this instead of processing
  bool drop = false;     // process, then answer UNAVAILABLE (the client cannot tell)
};

/// An image the fake knows: a registry tag (built on first join) or a snapshot.
struct fake_image {
  std::string tag;
  std::filesystem::path snapshot;  // non-empty for a filesystem snapshot
  bool built = false;
};

/// A sandbox the fake created, alive or ended (Modal remembers ended sandboxes).
struct sandbox_entry {
  std::string app_id;
  double created_at = 0;  // seconds since the epoch
  sbx::env_map tags;
  bool ended = false;
};

class modal_state {
 public:
  modal_state(fake_context& fake, modal_options options);

  /// Runs `work` (a coroutine returning grpc::Status) on the io_context and waits for
  /// it; CANCELLED when the call is cancelled or the fake stops first (the work then
  /// finishes on its own: it must only hold shared state).
  template <class Work>
  grpc::Status on_io(grpc::ServerContext* call, Work work) {
    auto promise = std::make_shared<std::promise<grpc::Status>>();
    auto future = promise->get_future();
    boost::asio::co_spawn(executor_, std::move(work), [promise](std::exception_ptr e, grpc::Status status) {
      promise->set_value(e ? grpc::Status(grpc::StatusCode::INTERNAL, "the fake failed") : std::move(status));
    });
    while (future.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready)
      if (call->IsCancelled() || stopping_) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    return future.get();
  }

  /// Counts the call and applies the fault configuration to `rpc_path`
  /// ("/modal.client.ModalClient/SandboxCreate"): latency, RESOURCE_EXHAUSTED for a
  /// 429, UNAVAILABLE for a 5xx or reset, a drop, or a hang until the call is cancelled.
  admission admit(grpc::ServerContext* call, const std::string& rpc_path);

  /// OK when the call carries the expected token headers, else UNAUTHENTICATED.
  grpc::Status check_token(const grpc::ServerContext* call) const;
  /// OK when the call carries "authorization: Bearer <jwt of task_id>".
  grpc::Status check_router_jwt(const grpc::ServerContext* call, const std::string& task_id) const;

  /// Sleeps `delay` on the calling (grpc) thread unless the call is cancelled.
  void pause(grpc::ServerContext* call, std::chrono::milliseconds delay) const;

  sandbox_registry& registry() noexcept { return registry_; }
  boost::asio::any_io_executor executor() const { return executor_; }
  const std::filesystem::path& snapshot_root() const noexcept { return snapshot_root_; }

  /// Lets every waiting handler return (CANCELLED) so that the server can shut down.
  void stop() noexcept { stopping_ = true; }
  bool stopping() const noexcept { return stopping_; }

  /// The gRPC address clients dial, "http://127.0.0.1:PORT" (set once listening).
  std::string grpc_url;
  /// gRPC calls served (faulted ones included).
  std::atomic<std::uint64_t> calls{0};

  /// Everything below is guarded by `mutex`.
  mutable std::mutex mutex;
  std::map<std::string, std::string> apps;  // name → app id
  std::map<std::string, fake_image> images;  // image id → image
  std::map<std::string, sbx::env_map> secrets;  // secret id → env
  std::map<std::string, sandbox_entry> sandboxes;  // sandbox id → entry
  std::map<std::string, std::string> router_jwts;  // task id → jwt
  std::map<std::string, std::shared_ptr<exec_record>> execs;  // exec id → record

 private:
  boost::asio::any_io_executor executor_;
  fake_server& server_;
  sandbox_registry& registry_;
  modal_options options_;
  std::filesystem::path snapshot_root_;
  std::atomic<bool> stopping_{false};
};

/// The task id of a sandbox and back ("ta-<sandbox id>").
std::string task_of(const std::string& sandbox_id);
std::string sandbox_of(const std::string& task_id);

}  // namespace sbx_fake::modal
