// Directory transfer archives: tar.gz built from a host tree, and strict extraction.
//
// Names are bytes: the writer marks a name it cannot convert from the locale to UTF-8
// with pax hdrcharset=BINARY, the reader keeps a name it cannot convert to the locale
// unchanged, so names round-trip exactly in any locale. Owners are not recorded
// (uid/gid 0, no user or group names); permission bits are kept masked with 0777.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sbx::detail {

/// The path rule for archive members: returns `name` as a normalised relative path
/// ("./a//b/" -> "a/b"), "" for the archive root ("." or "./"), or nullopt when the
/// name is unsafe: empty, containing NUL, absolute, or with a ".." component.
/// A non-empty result has no empty, "." or ".." component and never starts with "/".
std::optional<std::string> safe_member_path(std::string_view name);

/// Produces the tar.gz of a host directory piece by piece, so a caller can send it
/// while it is being built (e.g. `co_await` a write per chunk) without holding the
/// whole archive. Memory: the sorted list of relative paths plus O(64 KiB) buffers.
///
/// Members: every regular file ("a/b.txt", permission bits and mtime kept, empty files
/// included) and every directory ("dir/", so empty directories survive), in byte
/// order of their relative paths. Symlinks, devices, fifos and sockets are skipped
/// and never followed. Output is reproducible for an unchanged tree (no timestamp in
/// the gzip header). A moved-from packer may only be destroyed or assigned to.
class directory_packer {
 public:
  /// Lists the tree under `root`. Throws SandboxConfigurationError when `root` is not
  /// a directory, WorkspaceError (op "upload_dir", context "path") when listing fails.
  explicit directory_packer(const std::filesystem::path& root);
  ~directory_packer();
  directory_packer(directory_packer&&) noexcept;
  directory_packer& operator=(directory_packer&&) noexcept;

  /// Number of regular files the archive will contain.
  std::size_t file_count() const noexcept;

  /// The next non-empty piece of the archive, valid until the next call; an empty view
  /// once the archive is complete. Throws WorkspaceError (op "upload_dir", context
  /// "path") when a file cannot be read or changed type or shrank since listing; the
  /// packer is unusable after a throw.
  std::string_view next_chunk();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// The whole tar.gz of `root` in memory (see directory_packer for contents and
/// errors); `file_count` receives the number of regular files in it.
std::string pack_directory(const std::filesystem::path& root, std::size_t& file_count);

/// Extracts a tar archive, gzip-compressed or plain, into `dest` (created if missing)
/// and returns the number of regular files in it.
///
/// The whole archive is validated before anything is written: a member that is not a
/// regular file or directory (symlink, hardlink, device, fifo, socket), whose name
/// fails safe_member_path, is empty (other than a root directory entry, which is
/// skipped), is over 4095 bytes or has a component over 255, or that conflicts with
/// another member (a file where another member needs a directory) refuses the whole
/// archive with WorkspaceError (op "extract", context "member") and nothing is
/// written, not even `dest`. Malformed or truncated input is refused the same way
/// ("member" names the damaged member if any; a cut exactly between members is
/// undetectable).
///
/// Files are replaced, never written through: an existing file or symlink at a
/// member's path is unlinked first, and an existing symlink where a member needs a
/// directory fails that member with WorkspaceError, so nothing is ever written
/// outside `dest`. Permission bits are masked with 0777 (no setuid/setgid/sticky);
/// file mtimes are kept where the filesystem can store them. An I/O failure while
/// writing (WorkspaceError, op "extract", context "member" and "path") leaves the
/// members written so far in place.
///
/// Memory: the member paths (linear in their length) besides the input, which is
/// decompressed twice.
std::size_t unpack_archive(std::string_view archive, const std::filesystem::path& dest);

}  // namespace sbx::detail
