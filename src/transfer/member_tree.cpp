#include "transfer/member_tree.hpp"

namespace sbx::detail {

bool member_tree::add(std::string_view path, bool is_dir) {
  std::size_t parent = 0;
  for (;;) {
    const auto slash = path.find('/');
    const bool last = slash == std::string_view::npos;
    const bool want_dir = !last || is_dir;
    const auto [it, inserted] = nodes_.try_emplace({parent, std::string{path.substr(0, slash)}},
                                                   node{nodes_.size() + 1, want_dir});
    if (it->second.is_dir != want_dir) return false;
    if (last) {
      if (inserted && !is_dir) ++file_count_;
      return true;
    }
    parent = it->second.id;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace sbx::detail
