#include "drivers/modal/modal_sandbox.hpp"

#include "cloud_settings.hpp"
#include "drivers/modal/modal_exec.hpp"
#include "drivers/modal/modal_files.hpp"
#include "log.hpp"
#include "owner_labels.hpp"

#include <optional>

namespace sbx::drivers::modal {

struct modal_sandbox::state {
  void require_alive(const char* op) const {
    if (ended)
      throw SandboxNotFoundError("The Modal sandbox " + sandbox_id + " was destroyed",
                                 {.backend = "modal", .op = op, .context = detail::context_of("sandbox_id", sandbox_id)});
  }

  // The router client, fetched on first use.
  awaitable<const router_client*> router(const char* op) {
    require_alive(op);
    if (!client) {
      auto access = co_await context->api.access(task_id, op);
      if (!client) client.emplace(std::move(access), context->settings, context->api.secrets());
    }
    co_return &*client;
  }

  std::shared_ptr<modal_context> context;
  std::string sandbox_id;
  std::string task_id;
  std::string workdir;
  http::permit running;
  std::optional<router_client> client;
  bool ended = false;
};

modal_sandbox::modal_sandbox(std::shared_ptr<modal_context> context, std::string sandbox_id, std::string task_id,
                             std::string workdir, http::permit running)
    : state_(std::make_shared<state>()) {
  state_->context = std::move(context);
  state_->sandbox_id = std::move(sandbox_id);
  state_->task_id = std::move(task_id);
  state_->workdir = std::move(workdir);
  state_->running = std::move(running);
}

const std::string& modal_sandbox::id() const { return state_->sandbox_id; }

const std::string& modal_sandbox::workdir() const { return state_->workdir; }

awaitable<ExecStatus> modal_sandbox::exec(ExecRequest request) {
  const auto s = state_;  // the command may outlive this session object
  const auto* router = co_await s->router("exec");
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await run_exec(*router, s->task_id, std::move(request));
}

awaitable<std::vector<FileInfo>> modal_sandbox::list_files(std::string path) {
  const auto s = state_;
  const auto* router = co_await s->router("list_files");
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await fs_list(*router, s->task_id, std::move(path));
}

awaitable<std::string> modal_sandbox::read_file(std::string path) {
  const auto s = state_;
  const auto* router = co_await s->router("read_file");
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await fs_read(*router, s->task_id, std::move(path));
}

awaitable<void> modal_sandbox::write_file(std::string path, std::string content) {
  const auto s = state_;
  const auto* router = co_await s->router("write_file");
  auto slot = co_await s->context->admission.admit_exec();
  co_await fs_write(*router, s->task_id, std::move(path), std::move(content));
}

awaitable<SnapshotInfo> modal_sandbox::snapshot() {
  const auto s = state_;
  const auto* router = co_await s->router("snapshot");
  auto slot = co_await s->context->admission.admit_exec();
  auto image_id = co_await router->snapshot(s->task_id, "snapshot");
  co_return SnapshotInfo{.snapshot_id = std::move(image_id), .backend = "modal",
                         .created_at = detail::format_utc(std::chrono::system_clock::now())};
}

boost::json::object modal_sandbox::session_data() const {
  return {{"sandbox_id", state_->sandbox_id}, {"task_id", state_->task_id}, {"workdir", state_->workdir}};
}

awaitable<void> modal_sandbox::destroy() {
  const auto s = state_;
  if (s->ended) co_return;
  auto slot = co_await s->context->admission.admit_destroy();
  if (s->ended) co_return;
  if (!co_await s->context->api.terminate(s->sandbox_id, "destroy"))
    detail::log(log_level::debug, "modal sandbox " + s->sandbox_id + " was already gone");
  s->ended = true;
  s->running.release();
}

bool modal_sandbox::destroyed() const { return state_->ended; }

}  // namespace sbx::drivers::modal
