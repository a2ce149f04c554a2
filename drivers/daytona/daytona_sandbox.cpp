#include "drivers/daytona/daytona_sandbox.hpp"

#include "drivers/daytona/daytona_exec.hpp"
#include "drivers/daytona/toolbox_client.hpp"
#include "log.hpp"
#include "sbx/errors.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

namespace sbx::drivers::daytona {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

}  // namespace

struct daytona_sandbox::state {
  state(std::shared_ptr<daytona_context> ctx, sandbox_record rec, std::string dir, http::permit slot)
      : context(std::move(ctx)),
        record(std::move(rec)),
        toolbox(context->pool, context->settings, record.toolbox_proxy_url, record.id),
        workdir(std::move(dir)),
        running(std::move(slot)),
        lifetime(context->executor) {}

  void require_alive(const char* op) const {
    if (ended)
      throw SandboxNotFoundError("The Daytona sandbox " + record.id + " was deleted",
                                 {.backend = "daytona", .op = op, .context = {{"sandbox_id", record.id}}});
  }

  // Deletes the sandbox once (concurrent callers wait for the first).
  awaitable<void> remove(const char* op) {
    if (ended) co_return;
    auto slot = co_await context->admission.admit_destroy();
    if (ended) co_return;
    const bool removed = co_await context->api.remove(record.id, op);
    if (!removed) detail::log(log_level::debug, "daytona sandbox " + record.id + " was already gone");
    ended = true;
    running.release();
    lifetime.cancel();
  }

  std::shared_ptr<daytona_context> context;
  sandbox_record record;
  toolbox_client toolbox;
  std::string workdir;
  http::permit running;
  asio::steady_timer lifetime;
  bool ended = false;
};

namespace {

// Deletes the sandbox at the end of its lifetime, unless it is gone already.
awaitable<void> end_lifetime(std::shared_ptr<daytona_sandbox::state> s) {
  try {
    co_await s->remove("lifetime");
    detail::log(log_level::debug, "daytona sandbox " + s->record.id + " reached the end of its lifetime");
  } catch (const SandboxError& e) {
    detail::log(log_level::warning, "daytona sandbox " + s->record.id + ": end of lifetime: " + e.what());
  }
}

}  // namespace

daytona_sandbox::daytona_sandbox(std::shared_ptr<daytona_context> context, sandbox_record record, std::string workdir,
                                 http::permit running, std::optional<std::chrono::system_clock::time_point> expires_at)
    : state_(std::make_shared<state>(std::move(context), std::move(record), std::move(workdir), std::move(running))) {
  if (!expires_at) return;
  state_->lifetime.expires_after(*expires_at - std::chrono::system_clock::now());
  state_->lifetime.async_wait([weak = std::weak_ptr(state_)](boost::system::error_code ec) {
    const auto s = weak.lock();
    if (ec || !s || s->ended) return;
    asio::co_spawn(s->context->executor, end_lifetime(s), asio::detached);
  });
}

const std::string& daytona_sandbox::id() const { return state_->record.id; }

const std::string& daytona_sandbox::workdir() const { return state_->workdir; }

awaitable<ExecStatus> daytona_sandbox::exec(ExecRequest request) {
  const auto s = state_;  // the command may outlive this session object
  s->require_alive("exec");
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await run_exec(s->toolbox, std::move(request), scratch_dir(), s->context->settings.poll_interval);
}

awaitable<std::vector<FileInfo>> daytona_sandbox::list_files(std::string path) {
  const auto s = state_;
  s->require_alive("list_files");
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await s->toolbox.list(path, "list_files");
}

awaitable<std::string> daytona_sandbox::read_file(std::string path) {
  const auto s = state_;
  s->require_alive("read_file");
  auto slot = co_await s->context->admission.admit_exec();
  co_return co_await s->toolbox.download(path, 0, false, "read_file");
}

awaitable<void> daytona_sandbox::write_file(std::string path, std::string content) {
  const auto s = state_;
  s->require_alive("write_file");
  auto slot = co_await s->context->admission.admit_exec();
  co_await s->toolbox.upload(path, std::move(content), "write_file");
}

json::object daytona_sandbox::session_data() const {
  return {{"sandbox_id", state_->record.id}, {"workdir", state_->workdir}};
}

awaitable<void> daytona_sandbox::destroy() {
  const auto s = state_;
  co_await s->remove("destroy");
}

bool daytona_sandbox::destroyed() const { return state_->ended; }

}  // namespace sbx::drivers::daytona
