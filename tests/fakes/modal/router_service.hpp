// The fake's TaskCommandRouter service: commands run for real in the sandbox (or, for
// Modal's file helper, carried out by the fake itself), output kept by byte offset,
// stdin by offset with EOF, exit codes, and filesystem snapshots as copies of the
// sandbox's private directories.
#pragma once

#include "fakes/modal/modal_state.hpp"
#include "task_command_router.grpc.pb.h"

#include <memory>

namespace sbx_fake::modal {

namespace router = ::modal::task_command_router;

class router_service final : public router::TaskCommandRouter::Service {
 public:
  explicit router_service(std::shared_ptr<modal_state> state) : state_(std::move(state)) {}

  grpc::Status TaskExecStart(grpc::ServerContext*, const router::TaskExecStartRequest*,
                             router::TaskExecStartResponse*) override;
  grpc::Status TaskExecStdinWrite(grpc::ServerContext*, const router::TaskExecStdinWriteRequest*,
                                  router::TaskExecStdinWriteResponse*) override;
  grpc::Status TaskExecStdioRead(grpc::ServerContext*, const router::TaskExecStdioReadRequest*,
                                 grpc::ServerWriter<router::TaskExecStdioReadResponse>*) override;
  grpc::Status TaskExecWait(grpc::ServerContext*, const router::TaskExecWaitRequest*,
                            router::TaskExecWaitResponse*) override;
  grpc::Status TaskSnapshotFilesystem(grpc::ServerContext*, const router::TaskSnapshotFilesystemRequest*,
                                      router::TaskSnapshotFilesystemResponse*) override;

 private:
  // Admission (faults), the router JWT of `task_id`, then `body`.
  template <class Body>
  grpc::Status serve(grpc::ServerContext* call, const char* rpc, const std::string& task_id, Body body);
  // The exec `exec_id` of `task_id`, or nullptr.
  std::shared_ptr<exec_record> find(const std::string& task_id, const std::string& exec_id) const;
  grpc::Status start_helper(grpc::ServerContext* call, const router::TaskExecStartRequest& request,
                            std::shared_ptr<exec_record> record);
  grpc::Status start_process(grpc::ServerContext* call, const router::TaskExecStartRequest& request,
                             std::shared_ptr<exec_record> record);

  std::shared_ptr<modal_state> state_;
};

}  // namespace sbx_fake::modal
