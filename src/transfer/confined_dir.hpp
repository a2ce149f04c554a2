// Writing below one directory without ever following a symlink out of it.
#pragma once

#include "process/unique_fd.hpp"

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace sbx::detail {

/// A directory that relative paths are resolved against one component at a time
/// (openat with O_NOFOLLOW), so an existing symlink anywhere below it is never
/// followed. Paths must be safe_member_path results (relative, no "." or "..").
/// Every operation throws std::system_error with the failing errno.
class confined_dir {
 public:
  /// Opens the existing directory `root` (root itself may be a symlink).
  explicit confined_dir(const std::filesystem::path& root);

  /// Creates directory `rel` (mode 0700 when new) and its missing parents (mode 0777
  /// less the umask); an existing directory is kept.
  void make_dir(std::string_view rel);

  /// Creates `rel` as a new empty file with mode 0600, open for writing, after
  /// unlinking whatever file or symlink was there; missing parents are created.
  process::unique_fd create_file(std::string_view rel);

  /// Sets the permission bits of the existing directory `rel`.
  void set_dir_mode(std::string_view rel, mode_t mode);

 private:
  /// The directory holding `rel`'s last component, which is stored in `leaf`.
  process::unique_fd open_parent(std::string_view rel, std::string_view& leaf,
                                 bool create) const;

  process::unique_fd root_;
};

}  // namespace sbx::detail
