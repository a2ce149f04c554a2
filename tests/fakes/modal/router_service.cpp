#include "fakes/modal/router_service.hpp"

#include "fakes/modal/fs_tools.hpp"
#include "owner_labels.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>

namespace sbx_fake::modal {
namespace {

namespace fs = std::filesystem;
using boost::asio::awaitable;

constexpr const char* fs_tools_path = "/__modal/.bin/modal-sandbox-fs-tools";
constexpr std::size_t read_chunk = 1024 * 1024;
constexpr auto wait_patience = std::chrono::seconds(50);  // one TaskExecWait long poll

std::string exec_key(const std::string& task_id, const std::string& exec_id) { return task_id + "/" + exec_id; }

grpc::Status sandbox_gone(const std::string& task_id) {
  return grpc::Status(grpc::StatusCode::NOT_FOUND, "Task " + task_id + " not found (the sandbox ended)");
}

// The process output sink that appends to `record`. A plain function on purpose: GCC 12
// destroys a capturing lambda temporary inside a coroutine's co_await expression twice
// (here: one reference to the record released too many per command).
sbx_fake::output_sink into_record(std::shared_ptr<exec_record> record) {
  return [record](sbx::output_stream stream, std::string_view chunk) -> awaitable<void> {
    record->append(stream == sbx::output_stream::std_out ? 0 : 1, chunk);
    co_return;
  };
}

// Runs the command to its end: output into the record, a kill at the router timeout.
awaitable<void> drive(std::shared_ptr<fake_sandbox> sandbox, std::shared_ptr<fake_process> process,
                      std::shared_ptr<exec_record> record, std::optional<std::chrono::seconds> timeout) {
  std::optional<boost::asio::steady_timer> timer;
  if (timeout) {
    timer.emplace(co_await boost::asio::this_coro::executor, *timeout);
    timer->async_wait([process](boost::system::error_code ec) {
      if (!ec) process->signal(SIGKILL);
    });
  }
  const auto exit = co_await process->run(into_record(record));
  if (timer) timer->cancel();
  record->finish(exit.exit_code);
  sandbox->forget(process->pid());
}

}  // namespace

template <class Body>
grpc::Status router_service::serve(grpc::ServerContext* call, const char* rpc, const std::string& task_id, Body body) {
  const auto fate = state_->admit(call, std::string("/modal.task_command_router.TaskCommandRouter/") + rpc);
  if (!fate.refusal.ok()) return fate.refusal;
  if (auto auth = state_->check_router_jwt(call, task_id); !auth.ok()) return auth;
  auto status = body();
  if (fate.drop) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection lost (injected by the fake)");
  return status;
}

std::shared_ptr<exec_record> router_service::find(const std::string& task_id, const std::string& exec_id) const {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->execs.find(exec_key(task_id, exec_id));
  return it == state_->execs.end() ? nullptr : it->second;
}

grpc::Status router_service::TaskExecStart(grpc::ServerContext* call, const router::TaskExecStartRequest* request,
                                           router::TaskExecStartResponse*) {
  return serve(call, "TaskExecStart", request->task_id(), [&] {
    if (request->command_args().empty()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no command");
    auto record = std::make_shared<exec_record>();
    {
      std::lock_guard lock(state_->mutex);
      const auto [it, added] = state_->execs.emplace(exec_key(request->task_id(), request->exec_id()), record);
      if (!added) return grpc::Status::OK;  // the exec id makes a repeated start harmless
    }
    const auto status = request->command_args(0) == fs_tools_path ? start_helper(call, *request, record)
                                                                   : start_process(call, *request, record);
    if (!status.ok()) {
      std::lock_guard lock(state_->mutex);
      state_->execs.erase(exec_key(request->task_id(), request->exec_id()));
    }
    return status;
  });
}

grpc::Status router_service::start_helper(grpc::ServerContext* call, const router::TaskExecStartRequest& request,
                                          std::shared_ptr<exec_record> record) {
  auto paths = std::make_shared<std::optional<sandbox_paths>>();
  auto state = state_;
  const auto sandbox_id = sandbox_of(request.task_id()).substr(3);
  const auto looked = state_->on_io(call, [state, paths, sandbox_id]() -> awaitable<grpc::Status> {
    if (const auto sandbox = state->registry().find(sandbox_id)) *paths = sandbox->paths();
    co_return grpc::Status::OK;
  });
  if (!looked.ok()) return looked;
  if (!*paths) return sandbox_gone(request.task_id());
  const std::string argument = request.command_args_size() > 1 ? request.command_args(1) : std::string();
  // Weak: the record keeps this callback (on_input_end), a strong capture would be a cycle.
  const auto finish = [weak = std::weak_ptr<exec_record>(record), paths, argument](const std::string& input) {
    const auto record = weak.lock();
    if (!record) return;
    const auto result = run_fs_tools(**paths, argument, input);
    record->append(0, result.out);
    record->append(1, result.err);
    record->finish(result.exit_code);
  };
  if (wants_input(argument)) record->on_input_end = finish;
  else finish({});
  return grpc::Status::OK;
}

grpc::Status router_service::start_process(grpc::ServerContext* call, const router::TaskExecStartRequest& request,
                                           std::shared_ptr<exec_record> record) {
  command_spec spec{.cwd = request.has_workdir() ? request.workdir() : std::string(), .stdin_open = true};
  spec.argv.assign(request.command_args().begin(), request.command_args().end());
  spec.env.insert(request.env().begin(), request.env().end());
  std::optional<std::chrono::seconds> timeout;
  if (request.has_timeout_secs() && request.timeout_secs() > 0) timeout = std::chrono::seconds(request.timeout_secs());
  auto state = state_;
  const auto sandbox_id = sandbox_of(request.task_id()).substr(3);
  auto started = std::make_shared<bool>(false);
  const auto status = state_->on_io(call, [state, record, spec, timeout, sandbox_id, started]() mutable -> awaitable<grpc::Status> {
    const auto sandbox = state->registry().find(sandbox_id);
    if (!sandbox) co_return grpc::Status::OK;
    if (spec.cwd.empty()) spec.cwd = sandbox->paths().home();
    record->process = sandbox->start(state->registry().runner(), std::move(spec));
    *started = true;
    boost::asio::co_spawn(state->executor(), drive(sandbox, record->process, record, timeout), boost::asio::detached);
    co_return grpc::Status::OK;
  });
  if (!status.ok()) return status;
  return *started ? grpc::Status::OK : sandbox_gone(request.task_id());
}

grpc::Status router_service::TaskExecStdinWrite(grpc::ServerContext* call, const router::TaskExecStdinWriteRequest* request,
                                                router::TaskExecStdinWriteResponse*) {
  return serve(call, "TaskExecStdinWrite", request->task_id(), [&] {
    const auto record = find(request->task_id(), request->exec_id());
    if (!record) return grpc::Status(grpc::StatusCode::NOT_FOUND, "Exec " + request->exec_id() + " not found");
    std::string fresh;
    bool close = false;
    {
      auto lock = record->lock();
      if (record->input_closed) return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "stdin is closed");
      if (request->offset() > record->input_offset)
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "stdin offset beyond what was written");
      const auto skip = record->input_offset - request->offset();  // a retried piece
      if (skip < request->data().size()) fresh = request->data().substr(skip);
      record->input_offset += fresh.size();
      close = record->input_closed = request->eof();
      if (!record->process) record->input += fresh;
    }
    if (!record->process) {
      if (close && record->on_input_end) record->on_input_end(record->input);
      return grpc::Status::OK;
    }
    return state_->on_io(call, [record, fresh, close]() -> awaitable<grpc::Status> {
      try {
        if (!fresh.empty()) co_await record->process->write_stdin(fresh);
      } catch (const std::exception&) {
        // The command exited or closed its stdin: the rest is dropped, as a pipe would.
      }
      if (close) record->process->close_stdin();
      co_return grpc::Status::OK;
    });
  });
}

grpc::Status router_service::TaskExecStdioRead(grpc::ServerContext* call, const router::TaskExecStdioReadRequest* request,
                                               grpc::ServerWriter<router::TaskExecStdioReadResponse>* writer) {
  return serve(call, "TaskExecStdioRead", request->task_id(), [&] {
    const auto record = find(request->task_id(), request->exec_id());
    if (!record) return grpc::Status(grpc::StatusCode::NOT_FOUND, "Exec " + request->exec_id() + " not found");
    const int fd = request->file_descriptor() == router::TASK_EXEC_STDIO_FILE_DESCRIPTOR_STDERR ? 1 : 0;
    std::uint64_t offset = request->offset();
    for (;;) {
      auto data = record->read(call, fd, offset, read_chunk);
      if (!data || state_->stopping()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
      if (data->empty()) return grpc::Status::OK;
      offset += data->size();
      router::TaskExecStdioReadResponse message;
      message.set_data(std::move(*data));
      if (!writer->Write(message)) return grpc::Status(grpc::StatusCode::CANCELLED, "the reader left");
    }
  });
}

grpc::Status router_service::TaskExecWait(grpc::ServerContext* call, const router::TaskExecWaitRequest* request,
                                          router::TaskExecWaitResponse* response) {
  return serve(call, "TaskExecWait", request->task_id(), [&] {
    const auto record = find(request->task_id(), request->exec_id());
    if (!record) return grpc::Status(grpc::StatusCode::NOT_FOUND, "Exec " + request->exec_id() + " not found");
    if (const auto code = record->wait(call, wait_patience)) response->set_code(*code);
    return grpc::Status::OK;  // no exit status yet: the client asks again
  });
}

grpc::Status router_service::TaskSnapshotFilesystem(grpc::ServerContext* call,
                                                    const router::TaskSnapshotFilesystemRequest* request,
                                                    router::TaskSnapshotFilesystemResponse* response) {
  return serve(call, "TaskSnapshotFilesystem", request->task_id(), [&] {
    if (!request->has_ttl_seconds() || request->ttl_seconds() == 0 || request->ttl_seconds() < -1)
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "ttl_seconds must be positive or -1");
    const auto image_id = "im-" + sbx::detail::random_hex(22);
    const auto target = state_->snapshot_root() / image_id;
    auto state = state_;
    auto copied = std::make_shared<bool>(false);
    const auto sandbox_id = sandbox_of(request->task_id()).substr(3);
    const auto status = state_->on_io(call, [state, target, sandbox_id, copied]() -> awaitable<grpc::Status> {
      const auto sandbox = state->registry().find(sandbox_id);
      if (!sandbox) co_return grpc::Status::OK;
      const auto& mounts = sandbox->paths().mounts();
      for (std::size_t i = 0; i < mounts.size(); ++i) {
        fs::create_directories(target / std::to_string(i));
        fs::copy(mounts[i].host_path, target / std::to_string(i), fs::copy_options::recursive | fs::copy_options::copy_symlinks);
      }
      *copied = true;
      co_return grpc::Status::OK;
    });
    if (!status.ok()) return status;
    if (!*copied) return sandbox_gone(request->task_id());
    std::lock_guard lock(state_->mutex);
    state_->images.emplace(image_id, fake_image{.snapshot = target, .built = true});
    response->set_image_id(image_id);
    return grpc::Status::OK;
  });
}

}  // namespace sbx_fake::modal
