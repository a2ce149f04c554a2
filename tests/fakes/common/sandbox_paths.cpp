#include "fakes/common/sandbox_paths.hpp"

#include "paths.hpp"

#include <algorithm>

namespace sbx_fake {
namespace {

// True when `path` is `prefix` or below it.
bool under(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  return path.substr(0, prefix.size()) == prefix && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace

sandbox_paths::sandbox_paths(std::vector<mount> mounts, std::string home, std::vector<std::string> host_dirs)
    : mounts_(std::move(mounts)), home_(std::move(home)), host_dirs_(std::move(host_dirs)) {
  std::sort(mounts_.begin(), mounts_.end(),
            [](const mount& a, const mount& b) { return a.sandbox_path.size() > b.sandbox_path.size(); });
}

std::string sandbox_paths::resolve(std::string_view path) const {
  if (path == "~") return home_;
  if (path.substr(0, 2) == "~/") return sbx::detail::resolve_sandbox_path(home_, path.substr(2));
  return sbx::detail::resolve_sandbox_path(home_, path);
}

const mount* sandbox_paths::find(std::string_view path) const {
  const mount* found = nullptr;
  for (const auto& m : mounts_)
    if (under(path, m.sandbox_path)) {
      found = &m;
      break;
    }
  // A host directory shows through a private "/" only: deeper mounts still win.
  if (found && found->sandbox_path == "/")
    for (const auto& dir : host_dirs_)
      if (under(path, dir)) return nullptr;
  return found;
}

std::optional<std::filesystem::path> sandbox_paths::writable(std::string_view path) const {
  const mount* m = find(path);
  if (!m) return std::nullopt;
  const auto rest = path.substr(std::min(path.size(), m->sandbox_path.size()));
  auto host = m->host_path;
  if (rest.size() > 1) host /= std::string(rest.substr(1));
  return host;
}

std::filesystem::path sandbox_paths::readable(std::string_view path) const {
  if (auto host = writable(path)) return *host;
  return std::filesystem::path(std::string(path));
}

std::string sandbox_paths::to_sandbox(const std::filesystem::path& host) const {
  const auto text = host.lexically_normal().string();
  for (const auto& m : mounts_) {
    const auto base = m.host_path.lexically_normal().string();
    if (under(text, base)) return m.sandbox_path + text.substr(base.size());
  }
  return text;
}

}  // namespace sbx_fake
