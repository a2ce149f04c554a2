// The small tar archives of the file API (libarchive, pure functions): one file or one
// directory to upload, and the one member of a downloaded file.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace sbx::drivers::docker {

/// An uncompressed pax/ustar archive holding the regular file `name` (relative, may
/// contain '/': the daemon creates missing parent directories, mode 0755) with
/// `content`, permission bits `mode` & 0777, owner 0:0 and modification time `mtime`.
/// Names are bytes (a name that is not UTF-8 is written with hdrcharset=BINARY).
/// Throws SandboxExecutionError (op "write_file") when libarchive fails.
std::string file_archive(std::string_view name, std::string_view content, unsigned mode, std::time_t mtime);

/// An uncompressed archive holding only the directory `name` (mode 0755).
std::string directory_archive(std::string_view name, std::time_t mtime);

/// `bytes` gzip-compressed (level 1: archives are compressed for transport, not storage).
/// Throws SandboxExecutionError (op "download_dir") when libarchive fails.
std::string gzip(std::string_view bytes);

/// The content of the first member of `tar` (the answer to GET .../archive for a file),
/// moved to the front of the same buffer when libarchive hands out its bytes in place,
/// so a large file is held once. Throws SandboxExecutionError (op "read_file", context
/// "path" = `path`) when the member is not a regular file (a directory, a link) or the
/// archive is malformed or truncated.
std::string first_member_content(std::string tar, const std::string& path);

}  // namespace sbx::drivers::docker
