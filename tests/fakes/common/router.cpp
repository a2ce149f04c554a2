#include "fakes/common/router.hpp"

namespace sbx_fake {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    if (!segment.empty()) out.push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

void router::add(http::verb method, std::string pattern, handler h) {
  route r{.method = method, .h = std::move(h)};
  for (const auto segment : split_path(pattern)) r.segments.emplace_back(segment);
  routes_.push_back(std::move(r));
}

std::optional<router::match_result> router::match(http::verb method, std::string_view path,
                                                  bool* method_mismatch) const {
  const auto segments = split_path(path);
  if (method_mismatch) *method_mismatch = false;
  for (const auto& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    match_result result{.h = &r.h};
    bool ok = true;
    for (std::size_t i = 0; ok && i < segments.size(); ++i) {
      const auto& pattern = r.segments[i];
      if (pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}') {
        result.params.emplace(pattern.substr(1, pattern.size() - 2), std::string(segments[i]));
      } else {
        ok = pattern == segments[i];
      }
    }
    if (!ok) continue;
    if (r.method != http::verb::unknown && r.method != method) {
      if (method_mismatch) *method_mismatch = true;
      continue;
    }
    return result;
  }
  return std::nullopt;
}

}  // namespace sbx_fake
