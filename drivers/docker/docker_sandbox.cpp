#include "drivers/docker/docker_sandbox.hpp"

#include "drivers/docker/archives.hpp"
#include "drivers/docker/containers.hpp"
#include "drivers/docker/directory_listing.hpp"
#include "drivers/docker/exec_runner.hpp"
#include "drivers/docker/file_tar.hpp"
#include "exec_collect.hpp"
#include "owner_labels.hpp"

#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>

namespace sbx::drivers::docker {
namespace {

namespace fs = std::filesystem;

error_info info(const char* op, error_context context = {}) {
  return {.backend = "docker", .op = op, .context = std::move(context)};
}

std::time_t now() { return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()); }

// "/a/b" -> "a/b": archive member names are relative to "/", where they are extracted.
std::string member_name(const std::string& path, const char* op) {
  if (path.size() < 2 || path.front() != '/')
    throw SandboxExecutionError(std::string(op) + " failed: not a file path", info(op, {{"path", path}}));
  return path.substr(1);
}

std::string read_local(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SandboxNotFoundError("upload_file: cannot open local file", info("upload_file", {{"local_path", path.string()}}));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

struct docker_sandbox::state {
  std::shared_ptr<engine> daemon;
  docker_sandbox_config config;
  http::permit running;
  bool removed = false;  // destroy finished
  bool gone = false;     // the daemon reported the container gone or stopped

  void require_alive(const char* op) const {
    if (removed)
      throw SandboxNotFoundError("The docker sandbox " + config.container_id.substr(0, 12) + " was destroyed", info(op));
  }
};

docker_sandbox::docker_sandbox(std::shared_ptr<engine> daemon, docker_sandbox_config config, http::permit running)
    : state_(std::make_shared<state>()) {
  state_->daemon = std::move(daemon);
  state_->config = std::move(config);
  state_->running = std::move(running);
}

const std::string& docker_sandbox::id() const { return state_->config.container_id; }
const std::string& docker_sandbox::workdir() const { return state_->config.workdir; }
bool docker_sandbox::archives_without_tar() const { return true; }
bool docker_sandbox::destroyed() const { return state_->removed || state_->gone; }

boost::json::object docker_sandbox::session_data() const { return {{"container_id", state_->config.container_id}}; }

awaitable<ExecStatus> docker_sandbox::exec(ExecRequest request) {
  const auto s = state_;  // the command may outlive this session object
  s->require_alive("exec");
  const auto slot = co_await s->daemon->admission().admit_exec();
  try {
    co_return co_await run_exec(*s->daemon, s->config.container_id, std::move(request));
  } catch (const SandboxNotFoundError&) {
    s->gone = true;
    throw;
  }
}

awaitable<std::vector<FileInfo>> docker_sandbox::list_files(std::string path) {
  state_->require_alive("list_files");
  std::vector<std::string> args{path};
  const auto listed = co_await detail::exec_script(*this, listing_script(), std::move(args));
  if (listed.exit_code == listing_missing)
    throw SandboxNotFoundError("list_files failed: no such file or directory", info("list_files", {{"path", path}}));
  if (listed.exit_code == listing_not_a_dir)
    throw SandboxExecutionError("list_files failed: not a directory", info("list_files", {{"path", path}}));
  if (listed.exit_code != 0)
    throw SandboxExecutionError("list_files failed (exit " + std::to_string(listed.exit_code) +
                                    "): " + listed.std_err.substr(0, 500),
                                info("list_files", {{"path", path}}));
  co_return parse_listing(listed.std_out);
}

awaitable<std::string> docker_sandbox::read_file(std::string path) {
  const auto s = state_;
  s->require_alive("read_file");
  const auto slot = co_await s->daemon->admission().admit_exec();
  auto tar = co_await get_archive(*s->daemon, s->config.container_id, path, archive_kind::file, "read_file");
  co_return first_member_content(std::move(tar), path);
}

awaitable<void> docker_sandbox::write_file(std::string path, std::string content) {
  const auto s = state_;
  s->require_alive("write_file");
  auto tar = file_archive(member_name(path, "write_file"), content, 0644, now());
  content = {};
  const auto slot = co_await s->daemon->admission().admit_exec();
  co_await put_archive(*s->daemon, s->config.container_id, "/", std::move(tar), s->config.copy_owner, "write_file");
}

awaitable<void> docker_sandbox::upload_file(fs::path local, std::string remote) {
  const auto s = state_;
  s->require_alive("upload_file");
  const auto mode = static_cast<unsigned>(fs::status(local).permissions()) & 0777u;
  auto tar = file_archive(member_name(remote, "upload_file"), read_local(local), mode, now());
  const auto slot = co_await s->daemon->admission().admit_exec();
  co_await put_archive(*s->daemon, s->config.container_id, "/", std::move(tar), s->config.copy_owner, "upload_file");
}

awaitable<void> docker_sandbox::extract_archive(std::string dir, std::string tar_gz) {
  const auto s = state_;
  s->require_alive("upload_dir");
  const auto slot = co_await s->daemon->admission().admit_exec();
  const auto& id = s->config.container_id;
  const auto stat = co_await stat_path(*s->daemon, id, dir, "upload_dir");
  if (!stat) {
    co_await put_archive(*s->daemon, id, "/", directory_archive(member_name(dir, "upload_dir"), now()),
                         s->config.copy_owner, "upload_dir");
  } else if (!stat->is_dir) {
    throw WorkspaceError("upload_dir failed: the destination is not a directory", info("upload_dir", {{"dest", dir}}));
  }
  co_await put_archive(*s->daemon, id, dir, std::move(tar_gz), s->config.copy_owner, "upload_dir");
}

awaitable<std::string> docker_sandbox::create_archive(std::string dir) {
  const auto s = state_;
  s->require_alive("download_dir");
  const auto slot = co_await s->daemon->admission().admit_exec();
  const auto tar = co_await get_archive(*s->daemon, s->config.container_id, dir, archive_kind::directory, "download_dir");
  co_return gzip(tar);
}

awaitable<SnapshotInfo> docker_sandbox::snapshot() {
  const auto s = state_;
  s->require_alive("snapshot");
  const auto slot = co_await s->daemon->admission().admit_exec();
  auto image = co_await commit_container(*s->daemon, s->config.container_id);
  co_return SnapshotInfo{.snapshot_id = std::move(image),
                         .backend = "docker",
                         .created_at = detail::format_utc(std::chrono::system_clock::now())};
}

awaitable<void> docker_sandbox::destroy() {
  const auto s = state_;
  if (s->removed) co_return;
  const auto slot = co_await s->daemon->admission().admit_destroy();
  co_await remove_container(*s->daemon, s->config.container_id, "destroy");
  s->removed = true;
  s->running.release();
}

}  // namespace sbx::drivers::docker
