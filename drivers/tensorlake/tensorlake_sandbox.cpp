#include "drivers/tensorlake/tensorlake_sandbox.hpp"

#include "drivers/tensorlake/tensorlake_exec.hpp"
#include "log.hpp"
#include "sbx/errors.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sbx::drivers::tensorlake {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

json::value optional_json(const std::optional<std::string>& value) { return value ? json::value(*value) : json::value(); }

bool snapshot_ready(const std::string& status, const std::string& wait) {
  return status == "completed" || (wait == "local_ready" && status == "local_ready");
}

}  // namespace

sandbox_target target_of(const tensorlake_settings& settings, const sandbox_record& record, const char* op) {
  const auto base = settings.proxy_url ? settings.proxy_url : record.sandbox_url;
  if (!base)
    throw SandboxCreationError("Tensorlake returned no sandbox_url for sandbox " + record.sandbox_id,
                               {.backend = "tensorlake", .op = op});
  return {.base_url = *base, .sandbox_id = record.sandbox_id, .routing_hint = record.routing_hint};
}

struct tensorlake_sandbox::state {
  state(std::shared_ptr<tensorlake_context> ctx, sandbox_record rec, sandbox_target target, std::string dir,
        env_map vars, http::permit slot)
      : context(std::move(ctx)),
        record(std::move(rec)),
        api(context->pool, context->settings, std::move(target)),
        workdir(std::move(dir)),
        env(std::move(vars)),
        running(std::move(slot)) {}

  void require_alive(const char* op) const {
    if (ended)
      throw SandboxNotFoundError("The Tensorlake sandbox " + record.sandbox_id + " was destroyed",
                                 {.backend = "tensorlake", .op = op, .context = {{"sandbox_id", record.sandbox_id}}});
  }

  std::shared_ptr<tensorlake_context> context;
  sandbox_record record;
  sandbox_api api;
  std::string workdir;
  env_map env;
  http::permit running;
  bool ended = false;
};

tensorlake_sandbox::tensorlake_sandbox(std::shared_ptr<tensorlake_context> context, sandbox_record record,
                                       sandbox_target target, std::string workdir, env_map env,
                                       http::permit running)
    : state_(std::make_shared<state>(std::move(context), std::move(record), std::move(target), std::move(workdir),
                                     std::move(env), std::move(running))) {}

const std::string& tensorlake_sandbox::id() const { return state_->record.sandbox_id; }

const std::string& tensorlake_sandbox::workdir() const { return state_->workdir; }

awaitable<ExecStatus> tensorlake_sandbox::exec(ExecRequest request) {
  const auto s = state_;  // the command may outlive this session object
  s->require_alive("exec");
  for (const auto& [k, v] : s->env) request.env.emplace(k, v);  // the exec's own values win
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await run_exec(s->api, std::move(request), s->context->settings.user, scratch_dir());
}

awaitable<std::vector<FileInfo>> tensorlake_sandbox::list_files(std::string path) {
  const auto s = state_;
  s->require_alive("list_files");
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await s->api.list_dir(path);
}

awaitable<std::string> tensorlake_sandbox::read_file(std::string path) {
  const auto s = state_;
  s->require_alive("read_file");
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await s->api.read_file(path);
}

awaitable<void> tensorlake_sandbox::write_file(std::string path, std::string content) {
  const auto s = state_;
  s->require_alive("write_file");
  auto slot = co_await s->context->admission.admit_exec();
  co_await s->api.write_file(path, std::move(content));
}

awaitable<SnapshotInfo> tensorlake_sandbox::snapshot() {
  const auto s = state_;
  s->require_alive("snapshot");
  const auto& settings = s->context->settings;
  const auto snapshot_id = co_await s->context->api.snapshot(s->record.sandbox_id, settings.snapshot_type);
  const auto deadline = std::chrono::steady_clock::now() + settings.snapshot_timeout;
  for (;;) {
    const auto record = co_await s->context->api.get_snapshot(snapshot_id);
    if (snapshot_ready(record.status, settings.snapshot_wait))
      co_return SnapshotInfo{.snapshot_id = record.snapshot_id, .backend = "tensorlake", .created_at = record.created_at};
    if (record.status == "failed")
      throw SandboxExecutionError("Tensorlake snapshot " + snapshot_id + " failed" +
                                      (record.error.empty() ? "" : ": " + record.error),
                                  {.backend = "tensorlake", .op = "snapshot"});
    if (std::chrono::steady_clock::now() + settings.poll_interval >= deadline)
      throw SandboxTimeoutError("Tensorlake snapshot " + snapshot_id + " was not ready in time (status " +
                                    record.status + ")",
                                {.backend = "tensorlake", .op = "snapshot"});
    asio::steady_timer pause(co_await asio::this_coro::executor, settings.poll_interval);
    co_await pause.async_wait(asio::use_awaitable);
  }
}

json::object tensorlake_sandbox::session_data() const {
  const auto& r = state_->record;
  json::object env;
  for (const auto& [k, v] : state_->env) env[k] = v;
  return {
      {"sandbox_id", r.sandbox_id},
      {"name", optional_json(r.name)},
      {"sandbox_url", optional_json(r.sandbox_url)},
      {"routing_hint", optional_json(r.routing_hint)},
      {"workdir", state_->workdir},
      {"env", std::move(env)},
  };
}

awaitable<void> tensorlake_sandbox::destroy() {
  const auto s = state_;
  if (s->ended) co_return;
  auto slot = co_await s->context->admission.admit_destroy();
  if (s->ended) co_return;
  const bool removed = co_await s->context->api.remove(s->record.sandbox_id, "destroy");
  if (!removed) detail::log(log_level::debug, "tensorlake sandbox " + s->record.sandbox_id + " was already gone");
  s->ended = true;
  s->running.release();
}

bool tensorlake_sandbox::destroyed() const { return state_->ended; }

}  // namespace sbx::drivers::tensorlake
