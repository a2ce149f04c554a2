#include "fakes/modal/modal_fake.hpp"

#include "fakes/modal/control_service.hpp"
#include "fakes/modal/router_service.hpp"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <stdexcept>

namespace sbx_fake::modal {
namespace {

namespace po = boost::program_options;

constexpr int max_message_bytes = 100 * 1024 * 1024;

// The running gRPC side of the fake.
struct grpc_side {
  std::shared_ptr<modal_state> state;
  std::unique_ptr<control_service> control;
  std::unique_ptr<router_service> router;
  std::unique_ptr<grpc::Server> server;
};

std::unique_ptr<grpc_side> start_grpc(fake_context& fake) {
  auto side = std::make_unique<grpc_side>();
  side->state = std::make_shared<modal_state>(fake, modal_options{.token_id = fake.options["token-id"].as<std::string>(),
                                                                  .token_secret = fake.options["token-secret"].as<std::string>()});
  side->control = std::make_unique<control_service>(side->state);
  side->router = std::make_unique<router_service>(side->state);
  grpc::ServerBuilder builder;
  int port = 0;
  const auto host = fake.options["host"].as<std::string>();
  builder.AddListeningPort(host + ":0", grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(max_message_bytes);
  builder.SetMaxSendMessageSize(max_message_bytes);
  builder.RegisterService(side->control.get());
  builder.RegisterService(side->router.get());
  side->server = builder.BuildAndStart();
  if (!side->server || port == 0) throw std::runtime_error("the gRPC server could not listen on " + host);
  side->state->grpc_url = "http://" + host + ":" + std::to_string(port);
  return side;
}

// The body of GET /_fake/modal (built outside the coroutine: GCC 12).
boost::json::object grpc_info(const modal_state& state) {
  return {{"grpc_url", state.grpc_url}, {"calls", state.calls.load()}};
}

}  // namespace

fake_definition modal_definition() {
  // Like a container: a writable root of its own (plus private /root and /tmp), the
  // host's system directories read-only over it.
  fake_definition definition{
      .name = "modal",
      .layout = {.home = "/root",
                 .private_dirs = {"/", "/root", "/tmp"},
                 .host_dirs = {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt",
                               "/var", "/proc", "/sys", "/run", "/srv", "/home"}}};
  definition.options.add_options()
      ("token-id", po::value<std::string>()->default_value(""), "the only x-modal-token-id accepted (default: any)")
      ("token-secret", po::value<std::string>()->default_value(""),
       "the only x-modal-token-secret accepted (default: any)");
  auto side = std::make_shared<std::unique_ptr<grpc_side>>();
  definition.install = [side](fake_context& fake) {
    *side = start_grpc(fake);
    auto state = (*side)->state;
    fake.server.routes().add(http::verb::get, "/_fake/modal", [state](exchange& ex) -> awaitable<void> {
      co_await ex.respond_json(200, grpc_info(*state));
    });
  };
  definition.stop = [side] {
    if (!*side) return;
    (*side)->state->stop();
    (*side)->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    side->reset();
  };
  return definition;
}

}  // namespace sbx_fake::modal
