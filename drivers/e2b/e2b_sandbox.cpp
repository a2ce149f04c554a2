#include "drivers/e2b/e2b_sandbox.hpp"

#include "drivers/e2b/e2b_errors.hpp"
#include "drivers/e2b/e2b_exec.hpp"
#include "drivers/e2b/envd_client.hpp"
#include "log.hpp"
#include "sbx/errors.hpp"

namespace sbx::drivers::e2b {
namespace {

namespace json = boost::json;

envd_target target_of(const e2b_settings& settings, const sandbox_record& record) {
  return {
      .base_url = envd_base_url(settings, record.sandbox_id, record.domain),
      .sandbox_id = record.sandbox_id,
      .access_token = record.envd_access_token,
      .user = settings.user,
      .envd_version = record.envd_version,
  };
}

json::object list_request(const std::string& path) { return {{"path", path}, {"depth", 1}}; }

}  // namespace

struct e2b_sandbox::state {
  state(std::shared_ptr<e2b_context> ctx, sandbox_record rec, std::string dir, http::permit slot)
      : context(std::move(ctx)),
        record(std::move(rec)),
        envd(context->pool, context->settings, target_of(context->settings, record)),
        workdir(std::move(dir)),
        running(std::move(slot)) {}

  void require_alive(const char* op) const {
    if (ended)
      throw SandboxNotFoundError("The E2B sandbox " + record.sandbox_id + " was destroyed",
                                 {.backend = "e2b", .op = op, .context = {{"sandbox_id", record.sandbox_id}}});
  }

  std::shared_ptr<e2b_context> context;
  sandbox_record record;
  envd_client envd;
  std::string workdir;
  http::permit running;
  bool ended = false;
};

e2b_sandbox::e2b_sandbox(std::shared_ptr<e2b_context> context, sandbox_record record, std::string workdir,
                         http::permit running)
    : state_(std::make_shared<state>(std::move(context), std::move(record), std::move(workdir), std::move(running))) {}

const std::string& e2b_sandbox::id() const { return state_->record.sandbox_id; }

const std::string& e2b_sandbox::workdir() const { return state_->workdir; }

awaitable<ExecStatus> e2b_sandbox::exec(ExecRequest request) {
  const auto s = state_;  // the command may outlive this session object
  s->require_alive("exec");
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await run_exec(s->envd, std::move(request));
}

awaitable<std::vector<FileInfo>> e2b_sandbox::list_files(std::string path) {
  const auto s = state_;
  s->require_alive("list_files");
  auto slot = co_await s->context->admission.admit_exec();
  const auto answer = co_await s->envd.call("filesystem.Filesystem/ListDir", list_request(path), true,
                                            "list_files", context_of("path", path));
  std::vector<FileInfo> out;
  const auto* entries = answer.is_object() ? answer.as_object().if_contains("entries") : nullptr;
  if (entries && entries->is_array())
    for (const auto& entry : entries->as_array())
      if (entry.is_object())
        if (auto info = parse_entry(entry.as_object())) out.push_back(std::move(*info));
  co_return out;
}

awaitable<std::string> e2b_sandbox::read_file(std::string path) {
  const auto s = state_;
  s->require_alive("read_file");
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await s->envd.read_file(path);
}

awaitable<void> e2b_sandbox::write_file(std::string path, std::string content) {
  const auto s = state_;
  s->require_alive("write_file");
  auto slot = co_await s->context->admission.admit_exec();
  co_await s->envd.write_file(path, std::move(content));
}

json::object e2b_sandbox::session_data() const {
  const auto& r = state_->record;
  return {
      {"sandbox_id", r.sandbox_id},
      {"template_id", r.template_id},
      {"domain", r.domain ? json::value(*r.domain) : json::value()},
      {"workdir", state_->workdir},
  };
}

awaitable<void> e2b_sandbox::destroy() {
  const auto s = state_;
  if (s->ended) co_return;
  auto slot = co_await s->context->admission.admit_destroy();
  if (s->ended) co_return;
  const bool killed = co_await s->context->api.kill(s->record.sandbox_id, "destroy");
  if (!killed) detail::log(log_level::debug, "e2b sandbox " + s->record.sandbox_id + " was already gone");
  s->ended = true;
  s->running.release();
}

bool e2b_sandbox::destroyed() const { return state_->ended; }

}  // namespace sbx::drivers::e2b
