// "FROM:TO" arguments of `sbx cp`.
#pragma once

#include <string>
#include <string_view>

namespace sbx::cli {

/// A copy from one side to the other.
struct path_mapping {
  std::string from;
  std::string to;
};

/// Splits "FROM:TO" at the first colon. Without ":TO" (or with an empty TO) the copy
/// keeps FROM's last path component, relative to the destination's working directory:
/// "build/out/" → "out". Throws usage_error for an empty FROM or a FROM without a name
/// to keep (such as "/" or "..").
path_mapping parse_path_mapping(std::string_view spec);

}  // namespace sbx::cli
