#include "fakes/common/sandbox_registry.hpp"

#include "owner_labels.hpp"

#include <csignal>

namespace sbx_fake {
namespace {

namespace fs = std::filesystem;

// "/home/user" -> "home_user": the host directory name of a private sandbox directory.
std::string host_name_of(std::string_view sandbox_path) {
  std::string out(sandbox_path.substr(1));
  for (auto& c : out)
    if (c == '/') c = '_';
  return out.empty() ? ".rootfs" : out;
}

}  // namespace

fake_sandbox::fake_sandbox(boost::asio::any_io_executor executor, std::string id, fs::path dir,
                           sandbox_paths paths, sandbox_settings settings)
    : id_(std::move(id)),
      dir_(std::move(dir)),
      paths_(std::move(paths)),
      settings_(std::move(settings)),
      created_at_(std::chrono::system_clock::now()),
      expires_at_(created_at_),
      lifetime_(executor),
      executor_(std::move(executor)),
      groups_(std::make_shared<sbx::process::process_group_set>()) {}

std::shared_ptr<fake_process> fake_sandbox::start(const runner_options& runner, command_spec spec) {
  sbx::env_map env = settings_.env;
  for (auto& [name, value] : spec.env) env[name] = std::move(value);
  spec.env = std::move(env);
  auto p = fake_process::start(executor_, runner, paths_, settings_.network, std::move(spec), groups_);
  processes_[p->pid()] = p;
  return p;
}

std::shared_ptr<fake_process> fake_sandbox::find_process(int pid) const {
  const auto it = processes_.find(pid);
  return it == processes_.end() ? nullptr : it->second;
}

void fake_sandbox::forget(int pid) { processes_.erase(pid); }

std::vector<std::shared_ptr<fake_process>> fake_sandbox::processes() const {
  std::vector<std::shared_ptr<fake_process>> out;
  for (const auto& [pid, p] : processes_) out.push_back(p);
  return out;
}

sandbox_registry::sandbox_registry(boost::asio::any_io_executor executor, fs::path root,
                                   sandbox_layout layout, runner_options runner)
    : executor_(std::move(executor)), root_(std::move(root)), layout_(std::move(layout)), runner_(std::move(runner)) {
  fs::create_directories(root_);
}

sandbox_registry::~sandbox_registry() {
  for (auto& [id, sandbox] : sandboxes_) end(*sandbox);
  sandboxes_.clear();
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

std::shared_ptr<fake_sandbox> sandbox_registry::create(sandbox_settings settings) {
  std::string id = sbx::detail::random_hex(20);
  while (sandboxes_.count(id)) id = sbx::detail::random_hex(20);
  const fs::path dir = root_ / id;
  std::vector<mount> mounts;
  for (const auto& sandbox_dir : layout_.private_dirs) {
    mounts.push_back({sandbox_dir, dir / host_name_of(sandbox_dir)});
    fs::create_directories(mounts.back().host_path);
  }
  const auto lifetime = settings.lifetime;
  auto sandbox = std::make_shared<fake_sandbox>(executor_, id, dir, sandbox_paths(std::move(mounts), layout_.home, layout_.host_dirs),
                                                std::move(settings));
  sandboxes_.emplace(id, sandbox);
  ++created_;
  set_lifetime(*sandbox, lifetime);
  return sandbox;
}

std::shared_ptr<fake_sandbox> sandbox_registry::find(std::string_view id) const {
  const auto it = sandboxes_.find(id);
  return it == sandboxes_.end() ? nullptr : it->second;
}

bool sandbox_registry::remove(std::string_view id) {
  const auto it = sandboxes_.find(id);
  if (it == sandboxes_.end()) return false;
  const auto sandbox = it->second;
  sandboxes_.erase(it);
  end(*sandbox);
  ++removed_;
  return true;
}

void sandbox_registry::set_lifetime(fake_sandbox& sandbox, std::chrono::seconds lifetime) {
  sandbox.lifetime_.cancel();
  sandbox.settings_.lifetime = lifetime;
  if (lifetime.count() <= 0) {
    sandbox.expires_at_ = std::chrono::system_clock::time_point::max();
    return;
  }
  sandbox.expires_at_ = std::chrono::system_clock::now() + lifetime;
  sandbox.lifetime_.expires_after(lifetime);
  sandbox.lifetime_.async_wait([this, id = sandbox.id()](boost::system::error_code ec) {
    if (!ec) remove(id);
  });
}

std::vector<std::shared_ptr<fake_sandbox>> sandbox_registry::list() const {
  std::vector<std::shared_ptr<fake_sandbox>> out;
  for (const auto& [id, sandbox] : sandboxes_) out.push_back(sandbox);
  return out;
}

void sandbox_registry::end(fake_sandbox& sandbox) {
  sandbox.lifetime_.cancel();
  for (const auto& p : sandbox.processes()) p->signal(SIGKILL);
  sandbox.groups_->kill_all();
  std::error_code ignored;
  fs::remove_all(sandbox.dir_, ignored);
}

}  // namespace sbx_fake
