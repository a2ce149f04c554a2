#include "transfer/archive.hpp"

namespace sbx::detail {

std::optional<std::string> safe_member_path(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find('\0') != std::string_view::npos)
    return std::nullopt;
  std::string out;
  out.reserve(name.size());
  while (!name.empty()) {
    const auto slash = name.find('/');
    const auto component = name.substr(0, slash);
    name.remove_prefix(slash == std::string_view::npos ? name.size() : slash + 1);
    if (component.empty() || component == ".") continue;
    if (component == "..") return std::nullopt;
    if (!out.empty()) out += '/';
    out += component;
  }
  return out;
}

}  // namespace sbx::detail
