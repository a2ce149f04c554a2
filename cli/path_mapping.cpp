#include "path_mapping.hpp"

#include "command_args.hpp"

#include <filesystem>

namespace sbx::cli {

namespace {

// The last component of `path`, ignoring a trailing slash.
std::string last_component(std::string_view path) {
  auto normal = std::filesystem::path(path).lexically_normal();
  if (!normal.has_filename()) normal = normal.parent_path();
  return normal.filename().string();
}

}  // namespace

path_mapping parse_path_mapping(std::string_view spec) {
  const auto colon = spec.find(':');
  path_mapping mapping{std::string(spec.substr(0, colon)),
                       colon == std::string_view::npos ? "" : std::string(spec.substr(colon + 1))};
  if (mapping.from.empty()) throw usage_error("'" + std::string(spec) + "': the source path is empty");
  if (mapping.to.empty()) {
    mapping.to = last_component(mapping.from);
    if (mapping.to.empty() || mapping.to == "." || mapping.to == "..")
      throw usage_error("'" + std::string(spec) + "': give a destination (FROM:TO)");
  }
  return mapping;
}

}  // namespace sbx::cli
