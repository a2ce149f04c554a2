// The credentials `tl login` (Tensorlake's CLI) leaves on disk, read the way the CLI
// reads them (crates/cli/src/config/{files,contexts}.rs), for the API URL in use:
//
//   <dir>/contexts.toml     current = "<name>", [contexts.<name>] api_url, organization,
//                           project, storage ("file" | "keychain")
//   <dir>/credentials.toml  [contexts.<name>] token  (the context's token, file storage)
//                           ["<normalised api url>"] token, organization, project
//                           token = "..."   (legacy, unscoped)
//
// <dir> is ~/.config/tensorlake. Lookup order: the current context when it is for this
// API URL, else the first context (by name) for it, with its token from
// credentials.toml; then the per-URL table (exact key, normalised key, any key that
// normalises equal); then the legacy top-level token. Tokens kept in the OS keychain
// (storage = "keychain") cannot be read here. Only the TOML these files use is parsed:
// tables with bare or quoted keys and string values.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::tensorlake {

/// A stored login: a personal access token with the organization and project it works in.
struct stored_login {
  std::string token;  // a secret
  std::optional<std::string> organization;
  std::optional<std::string> project;
  std::string source;  // which file and table it came from (no secret)
};

/// A TOML document reduced to string values: table path (joined with '\x1f') -> key -> value.
using toml_strings = std::map<std::string, std::map<std::string, std::string>>;

/// Parses the TOML subset above. Lines it does not understand (other value types,
/// arrays) are skipped; nullopt when a table header or a string is malformed.
std::optional<toml_strings> parse_toml_strings(std::string_view text);

/// An API URL as the CLI keys it: no query or fragment, no default port, lower-case
/// scheme and host, no trailing '/'.
std::string normalize_api_url(std::string_view url);

/// The stored login for `api_url` in `config_dir`, if any (missing or unreadable files
/// count as empty).
std::optional<stored_login> find_stored_login(const std::filesystem::path& config_dir, const std::string& api_url);

/// ~/.config/tensorlake ($HOME, else the password database); nullopt without a home.
std::optional<std::filesystem::path> default_config_dir();

}  // namespace sbx::drivers::tensorlake
