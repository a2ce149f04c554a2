// Sandbox path rules shared by the core and every driver (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sbx::detail {

/// Resolves `path` against the absolute directory `workdir` and normalises it
/// lexically ("a/../b" -> "b", "//" -> "/", trailing "/" dropped). Absolute paths are
/// only normalised. An empty path means `workdir`.
std::string resolve_sandbox_path(std::string_view workdir, std::string_view path);

/// POSIX shell single-quoting: the result is one word that the shell does not
/// interpret ("it's" -> 'it'\''s'; "" -> '').
std::string shell_quote(std::string_view word);

/// Joins argv into one shell command line with every word quoted.
std::string shell_join(const std::vector<std::string>& argv);

/// Parent directory of an absolute normalised path ("/a/b" -> "/a", "/a" -> "/").
std::string parent_path(std::string_view path);

}  // namespace sbx::detail
