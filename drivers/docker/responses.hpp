// Parsers of the Engine API answers the driver reads (pure functions). Unknown fields
// are ignored; a body that is not the expected JSON throws SandboxExecutionError
// ("malformed Docker response ...", backend docker, op as given).
#pragma once

#include "sbx/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::docker {

/// "Id" of a create/exec-create/commit answer ({"Id": "..."}).
std::string parse_id(std::string_view body, const std::string& op);

/// GET /exec/{id}/json.
struct exec_state {
  bool running = false;
  std::optional<int> exit_code;  // null until the process has exited
};
exec_state parse_exec_inspect(std::string_view body, const std::string& op);

/// GET /images/{name}/json: what the sandbox takes from the image config.
struct image_facts {
  std::string id;
  std::string working_dir;  // "" when the image sets none
  std::string user;         // "" = root
};
image_facts parse_image_inspect(std::string_view body, const std::string& op);

/// GET /containers/{id}/json.
struct container_facts {
  std::string id;
  bool running = false;
  std::string working_dir;
  std::string user;
  env_map labels;
};
container_facts parse_container_inspect(std::string_view body, const std::string& op);

/// One item of GET /containers/json.
struct container_summary {
  std::string id;
  env_map labels;
};
std::vector<container_summary> parse_container_list(std::string_view body, const std::string& op);

/// The X-Docker-Container-Path-Stat header: base64 (Docker: standard alphabet; Podman:
/// URL-safe, padded; both accepted) of {"name","size","mode","mtime","linkTarget"}.
/// `mode` is a Go os.FileMode: permission bits low, type flags high (dir = 1<<31,
/// symlink = 1<<27). Podman adds "isDir". nullopt when the header cannot be decoded.
struct path_stat {
  std::string name;
  std::int64_t size = 0;
  std::uint32_t mode = 0;
  bool is_dir = false;
  bool is_symlink = false;
  std::string link_target;  // for a symlink: the path it resolves to in the container
};
std::optional<path_stat> decode_path_stat(std::string_view header);

/// Go os.FileMode type flags used above.
inline constexpr std::uint32_t go_mode_dir = 1u << 31;
inline constexpr std::uint32_t go_mode_symlink = 1u << 27;

}  // namespace sbx::drivers::docker
