// Presets: named defaults plus setup commands (data files under presets/).
#pragma once

#include "sbx/types.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx {

/// A named configuration. Explicit CreateOptions always win over a preset's values.
struct Preset {
  std::string name;
  std::string description;
  std::optional<std::string> image;             // prebuilt OCI image with everything set up
  std::optional<std::string> tensorlake_image;  // the same for Tensorlake (project image)
  std::vector<std::string> setup_commands;      // run after creation when no prebuilt image
  std::map<std::string, std::vector<std::string>> backend_setup_commands;  // replaces the above
  double cpu = 1.0;
  int memory_mb = 1024;
  int timeout_secs = 600;
  env_map env_vars;
  bool allow_internet = true;

  /// The setup commands for `backend`: its own list if present, else setup_commands.
  const std::vector<std::string>& setup_for(std::string_view backend) const;
  /// The prebuilt image for `backend` (tensorlake_image on tensorlake).
  const std::optional<std::string>& image_for(std::string_view backend) const;
};

/// Adds or replaces a preset by name. Thread-safe.
void register_preset(Preset preset);

/// The preset called `name`. Throws SandboxConfigurationError listing the available
/// names when there is none.
Preset get_preset(std::string_view name);

/// All presets, sorted by name.
std::vector<Preset> list_presets();

}  // namespace sbx
