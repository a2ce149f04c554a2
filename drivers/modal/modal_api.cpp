#include "drivers/modal/modal_api.hpp"

#include "drivers/modal/grpc_channel.hpp"
#include "log.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <random>

namespace sbx::drivers::modal {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Issues `Rpc` on `stub`'s callback interface (the start function of unary()).
#define SBX_MODAL_START(stub, Rpc)                                                            \
  [stub](grpc::ClientContext* c, const auto* request, auto* response,                         \
         std::function<void(grpc::Status)> done) { stub->async()->Rpc(c, request, response, std::move(done)); }

constexpr float long_poll_secs = 55;
constexpr auto long_poll_deadline = 60s;
constexpr int list_page_limit = 1000;  // pages of SandboxList before giving up

// The identity Modal's Go SDK presents (ClientType 9 = libmodal Go; client version
// 1.0.0 = "behave like this Python SDK version"): there is no value for third parties.
metadata control_headers(const modal_settings& s) {
  return {{"x-modal-token-id", s.token_id},
          {"x-modal-token-secret", s.token_secret},
          {"x-modal-client-type", "9"},
          {"x-modal-client-version", "1.0.0"},
          {"x-modal-libmodal-version", "sbx/0.1.0"}};
}

metadata router_headers(const std::string& jwt) { return {{"authorization", "Bearer " + jwt}}; }

api::AppGetOrCreateRequest app_request(const std::string& name, const std::string& environment) {
  api::AppGetOrCreateRequest r;
  r.set_app_name(name);
  r.set_environment_name(environment);
  r.set_object_creation_type(api::OBJECT_CREATION_TYPE_CREATE_IF_MISSING);
  return r;
}

api::ImageGetOrCreateRequest image_request(const std::string& app_id, const std::string& image,
                                           const std::string& builder_version) {
  api::ImageGetOrCreateRequest r;
  r.mutable_image()->add_dockerfile_commands(registry_dockerfile(image));
  r.set_app_id(app_id);
  r.set_builder_version(builder_version);
  return r;
}

api::SecretGetOrCreateRequest secret_request(const std::string& app_id, const env_map& env,
                                             const std::string& environment) {
  api::SecretGetOrCreateRequest r;
  r.set_environment_name(environment);
  r.set_object_creation_type(api::OBJECT_CREATION_TYPE_EPHEMERAL);
  for (const auto& [k, v] : env) (*r.mutable_env_dict())[k] = v;
  r.set_app_id(app_id);
  return r;
}

api::SandboxListRequest list_request(const env_map& tags, const std::string& environment, double before) {
  api::SandboxListRequest r;
  r.set_environment_name(environment);
  r.set_before_timestamp(before);
  for (const auto& [name, value] : tags) {
    auto& tag = *r.add_tags();
    tag.set_tag_name(name);
    tag.set_tag_value(value);
  }
  return r;
}

[[noreturn]] void build_failed(const api::GenericResult& result, const std::string& image) {
  throw SandboxCreationError("Modal could not build the image " + image + ": " + result.exception(),
                             {.backend = "modal", .op = "create", .context = {{"image", image}}});
}

}  // namespace

awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
}

double unit_draw() {
  thread_local std::minstd_rand engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

control_api::control_api(const modal_settings& settings)
    : settings_(settings),
      stub_(api::ModalClient::NewStub(make_channel(settings.server_url))),
      headers_(control_headers(settings)),
      secrets_(settings.secrets()) {}

call_policy control_api::policy(const char* op, const char* rpc) const {
  return {.op = op, .rpc = rpc, .deadline = settings_.knobs.request_timeout, .headers = &headers_,
          .retry = &settings_.knobs.retry, .secrets = &secrets_};
}

awaitable<std::string> control_api::app_id(const std::string& app_name) const {
  auto* stub = stub_.get();
  const auto response = co_await unary<api::AppGetOrCreateRequest, api::AppGetOrCreateResponse>(
      policy("create", "AppGetOrCreate"), app_request(app_name, settings_.environment), SBX_MODAL_START(stub, AppGetOrCreate));
  co_return response.app_id();
}

awaitable<std::string> control_api::registry_image(const std::string& app_id, const std::string& image) const {
  auto* stub = stub_.get();
  const auto created = co_await unary<api::ImageGetOrCreateRequest, api::ImageGetOrCreateResponse>(
      policy("create", "ImageGetOrCreate"), image_request(app_id, image, settings_.image_builder_version),
      SBX_MODAL_START(stub, ImageGetOrCreate));
  const auto executor = co_await asio::this_coro::executor;
  std::optional<api::GenericResult> result;
  if (created.has_result() && has_ended(created.result())) result = created.result();
  std::string last_entry;
  while (!result) {
    api::ImageJoinStreamingRequest join;
    join.set_image_id(created.image_id());
    join.set_timeout(long_poll_secs);
    join.set_last_entry_id(last_entry);
    const auto headers = &headers_;
    stream_reader<api::ImageJoinStreamingRequest, api::ImageJoinStreamingResponse> stream(
        executor, std::move(join),
        [headers](grpc::ClientContext& c) {
          for (const auto& [name, value] : *headers) c.AddMetadata(name, value);
          c.set_deadline(std::chrono::system_clock::now() + long_poll_deadline);
        },
        [stub](grpc::ClientContext* c, const auto* request, auto* reactor) {
          stub->async()->ImageJoinStreaming(c, request, reactor);
        });
    api::ImageJoinStreamingResponse message;
    while (co_await stream.next(message)) {
      if (!message.entry_id().empty()) last_entry = message.entry_id();
      if (message.has_result() && has_ended(message.result())) {
        result = message.result();
        break;
      }
    }
    if (!result && !stream.status().ok() && !retryable_code(stream.status().error_code()))
      throw_status(stream.status(), "create", "ImageJoinStreaming", secrets_);
  }
  if (result->status() != api::GenericResult::GENERIC_STATUS_SUCCESS) build_failed(*result, image);
  co_return created.image_id();
}

awaitable<std::string> control_api::env_secret(const std::string& app_id, const env_map& env) const {
  auto* stub = stub_.get();
  const auto response = co_await unary<api::SecretGetOrCreateRequest, api::SecretGetOrCreateResponse>(
      policy("create", "SecretGetOrCreate"), secret_request(app_id, env, settings_.environment),
      SBX_MODAL_START(stub, SecretGetOrCreate));
  co_return response.secret_id();
}

awaitable<std::pair<grpc::Status, api::SandboxCreateResponse>> control_api::create_once(
    api::SandboxCreateRequest request, std::chrono::milliseconds deadline) const {
  auto* stub = stub_.get();
  auto p = policy("create", "SandboxCreate");
  p.deadline = deadline;
  co_return co_await unary_once<api::SandboxCreateRequest, api::SandboxCreateResponse>(
      p, std::move(request), SBX_MODAL_START(stub, SandboxCreate));
}

awaitable<std::optional<std::string>> control_api::task_id(const std::string& sandbox_id, const char* op) const {
  auto* stub = stub_.get();
  auto p = policy(op, "SandboxGetTaskId");
  p.deadline = long_poll_deadline;
  api::SandboxGetTaskIdRequest request;
  request.set_sandbox_id(sandbox_id);
  request.set_timeout(long_poll_secs);
  request.set_wait_until_ready(false);
  for (;;) {
    const auto response = co_await unary<api::SandboxGetTaskIdRequest, api::SandboxGetTaskIdResponse>(
        p, request, SBX_MODAL_START(stub, SandboxGetTaskId));
    if (response.has_task_id() && !response.task_id().empty()) co_return response.task_id();
    if (response.has_task_result() && has_ended(response.task_result())) co_return std::nullopt;
  }
}

awaitable<bool> control_api::terminate(const std::string& sandbox_id, const char* op) const {
  auto* stub = stub_.get();
  api::SandboxTerminateRequest request;
  request.set_sandbox_id(sandbox_id);
  try {
    co_await unary<api::SandboxTerminateRequest, api::SandboxTerminateResponse>(
        policy(op, "SandboxTerminate"), std::move(request), SBX_MODAL_START(stub, SandboxTerminate));
  } catch (const SandboxNotFoundError&) {
    co_return false;
  }
  co_return true;
}

awaitable<std::vector<api::SandboxInfo>> control_api::list(const env_map& tags, const char* op) const {
  auto* stub = stub_.get();
  std::vector<api::SandboxInfo> out;
  double before = 0;
  for (int page = 0; page < list_page_limit; ++page) {
    const auto response = co_await unary<api::SandboxListRequest, api::SandboxListResponse>(
        policy(op, "SandboxList"), list_request(tags, settings_.environment, before), SBX_MODAL_START(stub, SandboxList));
    if (response.sandboxes().empty()) break;
    for (const auto& sandbox : response.sandboxes()) {
      out.push_back(sandbox);
      if (before == 0 || sandbox.created_at() < before) before = sandbox.created_at();
    }
  }
  co_return out;
}

awaitable<router_access> control_api::access(const std::string& task_id, const char* op) const {
  auto* stub = stub_.get();
  api::TaskGetCommandRouterAccessRequest request;
  request.set_task_id(task_id);
  const auto response = co_await unary<api::TaskGetCommandRouterAccessRequest, api::TaskGetCommandRouterAccessResponse>(
      policy(op, "TaskGetCommandRouterAccess"), std::move(request), SBX_MODAL_START(stub, TaskGetCommandRouterAccess));
  co_return router_access{.url = response.url(), .jwt = response.jwt()};
}

router_client::router_client(router_access access, const modal_settings& settings, std::vector<std::string> secrets)
    : stub_(router::TaskCommandRouter::NewStub(make_channel(access.url))),
      headers_(router_headers(access.jwt)),
      retry_(settings.knobs.retry),
      request_timeout_(settings.knobs.request_timeout),
      secrets_(std::move(secrets)) {
  secrets_.push_back(access.jwt);
}

call_policy router_client::policy(const char* op, const char* rpc, std::chrono::milliseconds deadline) const {
  return {.op = op, .rpc = rpc, .deadline = deadline, .headers = &headers_, .retry = &retry_, .secrets = &secrets_};
}

awaitable<void> router_client::exec_start(router::TaskExecStartRequest request, const char* op) const {
  auto* stub = stub_.get();
  co_await unary<router::TaskExecStartRequest, router::TaskExecStartResponse>(
      policy(op, "TaskExecStart", request_timeout_), std::move(request), SBX_MODAL_START(stub, TaskExecStart));
}

awaitable<void> router_client::stdin_write(router::TaskExecStdinWriteRequest request, const char* op) const {
  auto* stub = stub_.get();
  co_await unary<router::TaskExecStdinWriteRequest, router::TaskExecStdinWriteResponse>(
      policy(op, "TaskExecStdinWrite", request_timeout_), std::move(request), SBX_MODAL_START(stub, TaskExecStdinWrite));
}

stream_reader<router::TaskExecStdioReadRequest, router::TaskExecStdioReadResponse> router_client::stdio_read(
    const asio::any_io_executor& executor, router::TaskExecStdioReadRequest request) const {
  auto* stub = stub_.get();
  const auto* headers = &headers_;
  return {executor, std::move(request),
          [headers](grpc::ClientContext& c) {
            for (const auto& [name, value] : *headers) c.AddMetadata(name, value);
          },
          [stub](grpc::ClientContext* c, const auto* r, auto* reactor) { stub->async()->TaskExecStdioRead(c, r, reactor); }};
}

awaitable<int> router_client::exec_wait(const std::string& task_id, const std::string& exec_id, const char* op) const {
  auto* stub = stub_.get();
  router::TaskExecWaitRequest request;
  request.set_task_id(task_id);
  request.set_exec_id(exec_id);
  for (;;) {
    auto [status, response] = co_await unary_once<router::TaskExecWaitRequest, router::TaskExecWaitResponse>(
        policy(op, "TaskExecWait", long_poll_deadline), request, SBX_MODAL_START(stub, TaskExecWait));
    if (status.ok()) {
      if (const auto code = exit_code_of(response)) co_return *code;
      continue;
    }
    if (!retryable_code(status.error_code())) throw_status(status, op, "TaskExecWait", secrets_);
    co_await sleep_for(std::chrono::milliseconds(100));
  }
}

awaitable<std::string> router_client::snapshot(const std::string& task_id, const char* op) const {
  auto* stub = stub_.get();
  router::TaskSnapshotFilesystemRequest request;
  request.set_task_id(task_id);
  request.set_snapshot_id(new_exec_id());
  request.set_ttl_seconds(30 * 24 * 3600);  // Modal's SDK default: 30 days
  const auto response = co_await unary<router::TaskSnapshotFilesystemRequest, router::TaskSnapshotFilesystemResponse>(
      policy(op, "TaskSnapshotFilesystem", std::max(request_timeout_, std::chrono::milliseconds(55'000))),
      std::move(request), SBX_MODAL_START(stub, TaskSnapshotFilesystem));
  co_return response.image_id();
}

}  // namespace sbx::drivers::modal
