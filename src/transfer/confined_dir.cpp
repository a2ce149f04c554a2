#include "transfer/confined_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace sbx::detail {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

/// Opens directory `name` inside `dir`, refusing symlinks (ELOOP) and non-directories.
process::unique_fd open_subdir(int dir, const std::string& name) {
  process::unique_fd fd{
      ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
  if (!fd) throw_errno("cannot open directory '" + name + "' (symlinks are not followed)");
  return fd;
}

/// Creates directory `name` inside `dir` unless something already exists there.
void make_subdir(int dir, const std::string& name, mode_t mode) {
  if (::mkdirat(dir, name.c_str(), mode) != 0 && errno != EEXIST)
    throw_errno("cannot create directory '" + name + "'");
}

}  // namespace

confined_dir::confined_dir(const std::filesystem::path& root)
    : root_(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
  if (!root_) throw_errno("cannot open directory '" + root.string() + "'");
}

process::unique_fd confined_dir::open_parent(std::string_view rel, std::string_view& leaf,
                                             bool create) const {
  process::unique_fd dir{::dup(root_.get())};
  if (!dir) throw_errno("dup");
  for (auto slash = rel.find('/'); slash != std::string_view::npos; slash = rel.find('/')) {
    const std::string name{rel.substr(0, slash)};
    if (create) make_subdir(dir.get(), name, 0777);
    dir = open_subdir(dir.get(), name);
    rel.remove_prefix(slash + 1);
  }
  leaf = rel;
  return dir;
}

void confined_dir::make_dir(std::string_view rel) {
  std::string_view leaf;
  const auto parent = open_parent(rel, leaf, true);
  const std::string name{leaf};
  make_subdir(parent.get(), name, 0700);
  open_subdir(parent.get(), name);  // an existing symlink or file is an error
}

process::unique_fd confined_dir::create_file(std::string_view rel) {
  std::string_view leaf;
  const auto parent = open_parent(rel, leaf, true);
  const std::string name{leaf};
  if (::unlinkat(parent.get(), name.c_str(), 0) != 0 && errno != ENOENT)
    throw_errno("cannot replace '" + name + "'");
  process::unique_fd fd{::openat(parent.get(), name.c_str(),
                                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
  if (!fd) throw_errno("cannot create file '" + name + "'");
  return fd;
}

void confined_dir::set_dir_mode(std::string_view rel, mode_t mode) {
  std::string_view leaf;
  const auto parent = open_parent(rel, leaf, false);
  const auto dir = open_subdir(parent.get(), std::string{leaf});
  if (::fchmod(dir.get(), mode) != 0)
    throw_errno("cannot set the mode of '" + std::string{rel} + "'");
}

}  // namespace sbx::detail
