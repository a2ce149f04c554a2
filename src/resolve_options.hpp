// From what the caller asked (CreateOptions + preset) to what a driver gets.
#pragma once

#include "sbx/capabilities.hpp"
#include "sbx/options.hpp"
#include "sbx/presets.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sbx::detail {

/// Everything Client::create needs after validation.
struct creation_plan {
  ResolvedOptions options;
  std::optional<Preset> preset;
  std::vector<std::string> setup_commands;  // empty when the preset's image has them built in
};

/// Merges `requested` over its preset (explicit values win; env_vars merge), checks
/// every value and the backend's capabilities, and adds the owner labels.
/// Errors: SandboxConfigurationError (unknown preset, out-of-range or malformed value,
/// bad env or label name), FeatureNotSupportedError (allow_internet=false, snapshot_id
/// or gpu on a backend that cannot honour them). Options a backend merely ignores
/// (cpu/memory limits, image, template) are logged at debug level.
creation_plan resolve_options(const CreateOptions& requested, const std::string& backend,
                              const Capabilities& caps, const ClientOptions& client);

/// True when `name` is a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*).
bool is_env_name(std::string_view name) noexcept;

}  // namespace sbx::detail
