// Modal's two gRPC services as the driver uses them: the control plane (ModalClient,
// authenticated by the token headers) and a sandbox's task command router
// (TaskCommandRouter, authenticated by a JWT from the control plane). Unary calls run
// with a deadline and are retried, when idempotent, on the codes of retryable_code
// with full-jitter backoff. Used from the client's executor only.
#pragma once

#include "drivers/modal/grpc_call.hpp"
#include "drivers/modal/modal_errors.hpp"
#include "drivers/modal/modal_requests.hpp"
#include "drivers/modal/modal_settings.hpp"
#include "modal_api.grpc.pb.h"
#include "task_command_router.grpc.pb.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sbx::drivers::modal {

using boost::asio::awaitable;

/// Metadata sent with a call (name, value).
using metadata = std::vector<std::pair<std::string, std::string>>;

/// How one unary call is made.
struct call_policy {
  const char* op;   // sbx operation, for errors
  const char* rpc;  // RPC name, for errors
  std::chrono::milliseconds deadline;
  bool idempotent = true;  // retried on retryable codes
  const metadata* headers = nullptr;
  const http::retry_policy* retry = nullptr;
  const std::vector<std::string>* secrets = nullptr;
};

/// Waits `delay` on the current executor (cancellable).
awaitable<void> sleep_for(std::chrono::milliseconds delay);

/// A uniform draw in [0, 1) for backoff jitter.
double unit_draw();

/// Runs a unary call under `policy`: `start(context, request, response, done)` issues
/// it. Errors: throw_status for the last failure; cancellation: the call is cancelled
/// (TryCancel) and operation_aborted thrown.
template <class Request, class Response, class Start>
awaitable<Response> unary(call_policy policy, Request request, Start start) {
  const unsigned attempts = policy.idempotent && policy.retry ? std::max(1u, policy.retry->max_attempts) : 1;
  for (unsigned attempt = 0;; ++attempt) {
    auto call = std::make_shared<unary_call<Request, Response>>();
    call->request = request;
    if (policy.headers)
      for (const auto& [name, value] : *policy.headers) call->context.AddMetadata(name, value);
    call->context.set_deadline(std::chrono::system_clock::now() + policy.deadline);
    const grpc::Status status = co_await run_unary(call, start);
    if (status.ok()) co_return std::move(call->response);
    if (call->cancelled) grpc_bridge::throw_aborted();
    if (attempt + 1 >= attempts || !retryable_code(status.error_code()))
      throw_status(status, policy.op, policy.rpc, policy.secrets ? *policy.secrets : std::vector<std::string>{});
    co_await sleep_for(http::backoff_delay(*policy.retry, attempt, unit_draw()));
  }
}

/// The status of one unary call attempt without throwing (for callers that handle
/// failures themselves, e.g. an ambiguous create). Cancellation as unary().
template <class Request, class Response, class Start>
awaitable<std::pair<grpc::Status, Response>> unary_once(call_policy policy, Request request, Start start) {
  auto call = std::make_shared<unary_call<Request, Response>>();
  call->request = std::move(request);
  if (policy.headers)
    for (const auto& [name, value] : *policy.headers) call->context.AddMetadata(name, value);
  call->context.set_deadline(std::chrono::system_clock::now() + policy.deadline);
  grpc::Status status = co_await run_unary(call, start);
  if (call->cancelled) grpc_bridge::throw_aborted();
  co_return std::pair<grpc::Status, Response>(std::move(status), std::move(call->response));
}

/// Where a sandbox's router is and the JWT it accepts.
struct router_access {
  std::string url;
  std::string jwt;
};

/// Control-plane calls of one client.
class control_api {
 public:
  /// Opens (lazily) a channel to settings.server_url.
  explicit control_api(const modal_settings& settings);

  /// AppGetOrCreate (create if missing) → app id.
  awaitable<std::string> app_id(const std::string& app_name) const;
  /// ImageGetOrCreate for "FROM <image>", then ImageJoinStreaming until the build has
  /// a result → image id. Errors: SandboxCreationError when the build failed.
  awaitable<std::string> registry_image(const std::string& app_id, const std::string& image) const;
  /// SecretGetOrCreate (ephemeral) holding `env` → secret id.
  awaitable<std::string> env_secret(const std::string& app_id, const env_map& env) const;
  /// One SandboxCreate attempt (not retried: the caller resolves ambiguous failures).
  awaitable<std::pair<grpc::Status, api::SandboxCreateResponse>> create_once(api::SandboxCreateRequest request,
                                                                             std::chrono::milliseconds deadline) const;
  /// SandboxGetTaskId, long-polled, until the sandbox's container runs → task id;
  /// nullopt when the sandbox already ended. Errors: SandboxNotFoundError.
  awaitable<std::optional<std::string>> task_id(const std::string& sandbox_id, const char* op) const;
  /// SandboxTerminate. False when the sandbox did not exist.
  awaitable<bool> terminate(const std::string& sandbox_id, const char* op) const;
  /// Running sandboxes carrying every tag of `tags` (SandboxList, all pages).
  awaitable<std::vector<api::SandboxInfo>> list(const env_map& tags, const char* op) const;
  /// TaskGetCommandRouterAccess.
  awaitable<router_access> access(const std::string& task_id, const char* op) const;

  const std::vector<std::string>& secrets() const noexcept { return secrets_; }
  const http::retry_policy& retry() const noexcept { return settings_.knobs.retry; }
  const modal_settings& settings() const noexcept { return settings_; }

 private:
  call_policy policy(const char* op, const char* rpc) const;

  modal_settings settings_;
  std::unique_ptr<api::ModalClient::Stub> stub_;
  metadata headers_;
  std::vector<std::string> secrets_;
};

/// Calls on one sandbox's task command router.
class router_client {
 public:
  /// A channel to access.url; every call carries "authorization: Bearer <jwt>".
  router_client(router_access access, const modal_settings& settings, std::vector<std::string> secrets);

  /// TaskExecStart (idempotent through its exec id).
  awaitable<void> exec_start(router::TaskExecStartRequest request, const char* op) const;
  /// TaskExecStdinWrite of `data` at `offset`, closing stdin when `eof`.
  awaitable<void> stdin_write(router::TaskExecStdinWriteRequest request, const char* op) const;
  /// Opens TaskExecStdioRead for one stream from byte `offset`, to be read on `executor`.
  stream_reader<router::TaskExecStdioReadRequest, router::TaskExecStdioReadResponse> stdio_read(
      const boost::asio::any_io_executor& executor, router::TaskExecStdioReadRequest request) const;
  /// TaskExecWait until the command exits (each attempt long-polls for up to 55 s).
  awaitable<int> exec_wait(const std::string& task_id, const std::string& exec_id, const char* op) const;
  /// TaskSnapshotFilesystem → image id.
  awaitable<std::string> snapshot(const std::string& task_id, const char* op) const;

  const std::vector<std::string>& secrets() const noexcept { return secrets_; }
  const http::retry_policy& retry() const noexcept { return retry_; }

 private:
  call_policy policy(const char* op, const char* rpc, std::chrono::milliseconds deadline) const;

  std::unique_ptr<router::TaskCommandRouter::Stub> stub_;
  metadata headers_;
  http::retry_policy retry_;
  std::chrono::milliseconds request_timeout_;
  std::vector<std::string> secrets_;
};

}  // namespace sbx::drivers::modal
