// The exec agent as a Ray runtime_env package: uploaded once to the cluster's GCS
// (PUT /api/packages/gcs/<name>) and named by every sandbox job as its working_dir.
#pragma once

#include <string>
#include <string_view>

namespace sbx::drivers::ray {

/// A zip holding `sbx_ray_agent.py` at its root, and its content-addressed name.
struct agent_package {
  std::string name;  // "_ray_pkg_sbx_agent_<20 hex digits of sha256(source)>.zip"
  std::string zip;

  /// "gcs://<name>": the runtime_env working_dir URI.
  std::string uri() const { return "gcs://" + name; }
};

/// The file name of the agent inside the package (the entrypoint runs it).
inline constexpr std::string_view agent_file_name = "sbx_ray_agent.py";

/// Packs `source` (the agent program). Throws SandboxConfigurationError when libarchive
/// cannot build the zip.
agent_package make_agent_package(std::string_view source);

}  // namespace sbx::drivers::ray
