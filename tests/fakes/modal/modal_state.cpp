#include "fakes/modal/modal_state.hpp"

#include <thread>

namespace sbx_fake::modal {
namespace {

// The value of metadata `name` on `call`, or empty.
std::string header(const grpc::ServerContext* call, const std::string& name) {
  const auto& all = call->client_metadata();
  const auto it = all.find(name);
  return it == all.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

}  // namespace

std::string task_of(const std::string& sandbox_id) { return "ta-" + sandbox_id.substr(3); }
std::string sandbox_of(const std::string& task_id) { return "sb-" + task_id.substr(3); }

modal_state::modal_state(fake_context& fake, modal_options options)
    : executor_(fake.executor),
      server_(fake.server),
      registry_(fake.registry),
      options_(std::move(options)),
      snapshot_root_(fake.registry.root() / "snapshots") {}

admission modal_state::admit(grpc::ServerContext* call, const std::string& rpc_path) {
  ++calls;
  auto decision = std::make_shared<std::pair<fault_kind, std::chrono::milliseconds>>(fault_kind::none, 0);
  const auto decided = on_io(call, [this, decision, rpc_path]() -> boost::asio::awaitable<grpc::Status> {
    if (server_.faults().affects(rpc_path)) *decision = {server_.faults().decide(), server_.faults().config().latency};
    co_return grpc::Status::OK;
  });
  if (!decided.ok()) return {.refusal = decided};
  pause(call, decision->second);
  switch (decision->first) {
    case fault_kind::rate_limited:
      return {.refusal = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "rate limited by the fake")};
    case fault_kind::server_error:
    case fault_kind::reset:
      return {.refusal = grpc::Status(grpc::StatusCode::UNAVAILABLE, "unavailable (injected by the fake)")};
    case fault_kind::hang:
      while (!call->IsCancelled() && !stopping_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return {.refusal = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")};
    case fault_kind::drop:
      return {.drop = true};
    default:
      return {};
  }
}

grpc::Status modal_state::check_token(const grpc::ServerContext* call) const {
  const auto id = header(call, "x-modal-token-id");
  const auto secret = header(call, "x-modal-token-secret");
  const bool id_ok = options_.token_id.empty() ? !id.empty() : id == options_.token_id;
  const bool secret_ok = options_.token_secret.empty() ? !secret.empty() : secret == options_.token_secret;
  if (id_ok && secret_ok) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "Token missing or invalid. Could not authenticate client.");
}

grpc::Status modal_state::check_router_jwt(const grpc::ServerContext* call, const std::string& task_id) const {
  const auto authorization = header(call, "authorization");
  std::lock_guard lock(mutex);
  const auto it = router_jwts.find(task_id);
  if (it == router_jwts.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "Task " + task_id + " not found");
  if (authorization != "Bearer " + it->second)
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "invalid or missing router token");
  return grpc::Status::OK;
}

void modal_state::pause(grpc::ServerContext* call, std::chrono::milliseconds delay) const {
  const auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until && !call->IsCancelled())
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - std::chrono::steady_clock::now(),
                                                                                std::chrono::milliseconds(20)));
}

}  // namespace sbx_fake::modal
