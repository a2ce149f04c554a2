// The fake's ModalClient service (control plane): apps, registry images (built on the
// first ImageJoinStreaming), ephemeral secrets, sandboxes as fake_sandbox directories,
// task ids, router access, listing by tags, terminate.
#pragma once

#include "fakes/modal/modal_state.hpp"
#include "modal_api.grpc.pb.h"

#include <memory>

namespace sbx_fake::modal {

namespace api = ::modal::client;

class control_service final : public api::ModalClient::Service {
 public:
  explicit control_service(std::shared_ptr<modal_state> state) : state_(std::move(state)) {}

  grpc::Status AppGetOrCreate(grpc::ServerContext*, const api::AppGetOrCreateRequest*, api::AppGetOrCreateResponse*) override;
  grpc::Status ImageGetOrCreate(grpc::ServerContext*, const api::ImageGetOrCreateRequest*,
                                api::ImageGetOrCreateResponse*) override;
  grpc::Status ImageJoinStreaming(grpc::ServerContext*, const api::ImageJoinStreamingRequest*,
                                  grpc::ServerWriter<api::ImageJoinStreamingResponse>*) override;
  grpc::Status SecretGetOrCreate(grpc::ServerContext*, const api::SecretGetOrCreateRequest*,
                                 api::SecretGetOrCreateResponse*) override;
  grpc::Status SandboxCreate(grpc::ServerContext*, const api::SandboxCreateRequest*, api::SandboxCreateResponse*) override;
  grpc::Status SandboxGetTaskId(grpc::ServerContext*, const api::SandboxGetTaskIdRequest*,
                                api::SandboxGetTaskIdResponse*) override;
  grpc::Status SandboxList(grpc::ServerContext*, const api::SandboxListRequest*, api::SandboxListResponse*) override;
  grpc::Status SandboxTerminate(grpc::ServerContext*, const api::SandboxTerminateRequest*,
                                api::SandboxTerminateResponse*) override;
  grpc::Status TaskGetCommandRouterAccess(grpc::ServerContext*, const api::TaskGetCommandRouterAccessRequest*,
                                          api::TaskGetCommandRouterAccessResponse*) override;

 private:
  template <class Body>
  grpc::Status serve(grpc::ServerContext* call, const char* rpc, Body body);

  std::shared_ptr<modal_state> state_;
};

}  // namespace sbx_fake::modal
