#include "drivers/ray/ray_sandbox.hpp"

#include "drivers/ray/job_wait.hpp"
#include "drivers/ray/ray_errors.hpp"

#include <exception>
#include <type_traits>

namespace sbx::drivers::ray {

struct ray_sandbox::state {
  state(std::shared_ptr<ray_context> c, ray_sandbox_config cfg, http::permit r)
      : context(std::move(c)), config(std::move(cfg)), agent(context->pool, config.agent, config.token),
        running(std::move(r)) {}

  [[noreturn]] void throw_gone(const char* op) const {
    throw SandboxNotFoundError("The Ray sandbox " + config.job_id + " is gone (destroyed or its lifetime ended)",
                               job_error(op, config.job_id));
  }

  const std::shared_ptr<ray_context> context;
  const ray_sandbox_config config;
  const agent_client agent;
  http::permit running;
  bool gone = false;       // Ray reported the job ended
  bool destroyed = false;  // destroy() finished
};

ray_sandbox::ray_sandbox(std::shared_ptr<ray_context> context, ray_sandbox_config config, http::permit running)
    : state_(std::make_shared<state>(std::move(context), std::move(config), std::move(running))) {}

const std::string& ray_sandbox::id() const { return state_->config.job_id; }
const std::string& ray_sandbox::workdir() const { return state_->config.agent.workdir; }
const std::string& ray_sandbox::scratch_dir() const { return state_->config.agent.scratch; }

// Runs an agent call under the exec admission limit; when the agent cannot be reached,
// asks Ray whether the job still runs and reports a gone sandbox as such.
template <class T>
awaitable<T> ray_sandbox::checked(const char* op, awaitable<T> operation) {
  const auto s = state_;
  if (s->gone || s->destroyed) s->throw_gone(op);
  const auto permit = co_await s->context->admission.admit_exec();
  std::exception_ptr unreachable;
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(operation);
      co_return;
    } else {
      co_return co_await std::move(operation);
    }
  } catch (const SandboxConnectionError&) {
    unreachable = std::current_exception();
  }
  std::optional<job_info> job;
  try {
    job = co_await s->context->jobs.job(s->config.job_id);
  } catch (const SandboxError&) {
    std::rethrow_exception(unreachable);
  }
  if (job && !job->terminal()) std::rethrow_exception(unreachable);
  s->gone = true;
  s->throw_gone(op);
}

awaitable<ExecStatus> ray_sandbox::exec(ExecRequest request) {
  const auto s = state_;  // the command may outlive this session object
  if (request.cwd.empty()) request.cwd = s->config.agent.workdir;
  co_return co_await checked("exec", s->agent.exec(std::move(request)));
}

awaitable<std::vector<FileInfo>> ray_sandbox::list_files(std::string path) {
  const auto s = state_;
  co_return co_await checked("list_files", s->agent.list(path));
}

awaitable<std::string> ray_sandbox::read_file(std::string path) {
  const auto s = state_;
  co_return co_await checked("read_file", s->agent.read(path));
}

awaitable<void> ray_sandbox::write_file(std::string path, std::string content) {
  const auto s = state_;
  co_await checked("write_file", s->agent.write(path, std::move(content)));
}

boost::json::object ray_sandbox::session_data() const {
  const auto& config = state_->config;
  return {
      {"job_id", config.job_id},
      {"agent_host", config.agent.host},
      {"agent_port", config.agent.port},
      {"token", config.token},
      {"workdir", config.agent.workdir},
      {"scratch_dir", config.agent.scratch},
  };
}

awaitable<void> ray_sandbox::destroy() {
  const auto s = state_;
  if (s->destroyed) co_return;
  const auto permit = co_await s->context->admission.admit_destroy();
  if (s->destroyed) co_return;  // a concurrent destroy finished while this one waited
  if (!co_await end_job(s->context->jobs, s->config.job_id))
    throw SandboxExecutionError("the Ray sandbox job did not stop within 20 s",
                                job_error("destroy", s->config.job_id));
  s->destroyed = true;
  s->running.release();
}

bool ray_sandbox::destroyed() const { return state_->gone || state_->destroyed; }

}  // namespace sbx::drivers::ray
