// File operations on host paths, binary-safe, reporting failures as std::system_error
// (so that callers can tell "missing" from other failures by errno).
#pragma once

#include "sbx/types.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace sbx::drivers::local {

/// The whole file. Throws std::system_error (ENOENT, EISDIR, EACCES...).
std::string read_host_file(const std::string& path);

/// Writes `content` to `path`, creating missing parent directories. An existing file
/// is truncated and rewritten in place (it keeps its mode). Throws std::system_error.
void write_host_file(const std::string& path, std::string_view content);

/// Copies the file `from` to `to` with its mode bits, creating missing parents of
/// `to` and replacing an existing file. Throws std::system_error.
void copy_host_file(const std::filesystem::path& from, const std::filesystem::path& to);

/// Entries directly inside the directory `dir`: full paths, is_dir (symlinks
/// followed), size of regular files. Throws std::system_error.
std::vector<FileInfo> list_host_dir(const std::string& dir);

/// Removes `root` and everything below it, also below read-only directories (Go's
/// module cache, `chmod -w`). A missing `root` is not an error. Returns the failure.
std::error_code remove_host_tree(const std::filesystem::path& root) noexcept;

}  // namespace sbx::drivers::local
