#include "dir_transfer.hpp"

#include "exec_collect.hpp"
#include "sbx/errors.hpp"
#include "transfer/archive.hpp"

#include <algorithm>
#include <vector>

namespace sbx::detail {
namespace fs = std::filesystem;

namespace {

awaitable<bool> use_archive(sandbox_state& s, transfer_method method) {
  if (method != transfer_method::automatic) co_return method == transfer_method::tar;
  if (s.session->archives_without_tar()) co_return true;
  if (!s.has_tar) {
    const auto probe = co_await exec_script(
        *s.session, "command -v tar >/dev/null 2>&1 && command -v gzip >/dev/null 2>&1", {});
    s.has_tar = probe.exit_code == 0;
  }
  co_return *s.has_tar;
}

// Regular files and empty directories under root, relative, sorted; links skipped.
struct local_tree {
  std::vector<fs::path> files;
  std::vector<fs::path> empty_dirs;
};

local_tree scan(const fs::path& root) {
  local_tree tree;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const auto status = it->symlink_status();
    if (fs::is_symlink(status)) {
      it.disable_recursion_pending();
    } else if (fs::is_regular_file(status)) {
      tree.files.push_back(fs::relative(it->path(), root));
    } else if (fs::is_directory(status) && fs::is_empty(it->path())) {
      tree.empty_dirs.push_back(fs::relative(it->path(), root));
    }
  }
  std::sort(tree.files.begin(), tree.files.end());
  std::sort(tree.empty_dirs.begin(), tree.empty_dirs.end());
  return tree;
}

awaitable<std::size_t> upload_per_file(sandbox_state& s, const fs::path& local_dir,
                                       const std::string& remote_dir) {
  const auto tree = scan(local_dir);
  std::vector<std::string> dirs{remote_dir};
  for (const auto& d : tree.empty_dirs) dirs.push_back(remote_dir + "/" + d.generic_string());
  const auto made = co_await exec_script(*s.session, "mkdir -p -- \"$@\"", dirs);
  if (made.exit_code != 0)
    throw WorkspaceError("upload_dir: mkdir failed: " + made.std_err,
                         {.backend = s.backend, .op = "upload_dir", .context = {{"dest", remote_dir}}});
  for (const auto& f : tree.files)
    co_await s.session->upload_file(local_dir / f, remote_dir + "/" + f.generic_string());
  co_return tree.files.size();
}

awaitable<std::size_t> download_per_file(sandbox_state& s, const std::string& remote_dir,
                                         const fs::path& local_dir) {
  fs::create_directories(local_dir);
  std::size_t count = 0;
  for (const auto& entry : co_await s.session->list_files(remote_dir)) {
    const auto name = entry.path.substr(entry.path.rfind('/') + 1);
    if (entry.is_dir) {
      count += co_await download_per_file(s, entry.path, local_dir / name);
    } else {
      co_await s.session->download_file(entry.path, local_dir / name);
      ++count;
    }
  }
  co_return count;
}

}  // namespace

awaitable<std::size_t> upload_dir(sandbox_state& s, fs::path local_dir, std::string remote_dir,
                                  transfer_method method) {
  if (!fs::is_directory(local_dir))
    throw SandboxConfigurationError("upload_dir: not a local directory",
                                    {.backend = s.backend, .op = "upload_dir",
                                     .context = {{"source", local_dir.string()}}});
  if (!co_await use_archive(s, method)) co_return co_await upload_per_file(s, local_dir, remote_dir);
  std::size_t count = 0;
  auto archive = pack_directory(local_dir, count);
  co_await s.session->extract_archive(remote_dir, std::move(archive));
  co_return count;
}

awaitable<std::size_t> download_dir(sandbox_state& s, std::string remote_dir, fs::path local_dir,
                                    transfer_method method) {
  if (!co_await use_archive(s, method)) co_return co_await download_per_file(s, remote_dir, local_dir);
  const auto archive = co_await s.session->create_archive(remote_dir);
  co_return unpack_archive(archive, local_dir);
}

}  // namespace sbx::detail
