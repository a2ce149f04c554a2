// The set of paths an archive creates, to catch members that contradict each other.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace sbx::detail {

/// Paths stored component by component, so memory stays linear in the names however
/// deep they are. Every parent of an added path counts as a directory.
class member_tree {
 public:
  /// Adds the safe_member_path `path` as a directory or a file; false when it or one of
  /// its parents was added before with the other kind (adding a file twice is fine).
  bool add(std::string_view path, bool is_dir);

  /// Number of distinct files added.
  std::size_t file_count() const noexcept { return file_count_; }

 private:
  struct node {
    std::size_t id;
    bool is_dir;
  };
  std::map<std::pair<std::size_t, std::string>, node> nodes_;  // (parent id, name); root 0
  std::size_t file_count_ = 0;
};

}  // namespace sbx::detail
