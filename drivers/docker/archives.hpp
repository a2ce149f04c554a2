// The archive endpoints: PUT/GET/HEAD /containers/{id}/archive?path=...
#pragma once

#include "drivers/docker/engine.hpp"
#include "drivers/docker/responses.hpp"

#include <optional>
#include <string>

namespace sbx::drivers::docker {

/// Extracts `tar` (plain or gzip-compressed) into the existing directory `dir`; with
/// `copy_owner`, files get the container user's uid/gid (copyUIDGID). Errors:
/// SandboxNotFoundError (container or dir missing), SandboxExecutionError (e.g. `dir`
/// is a file; a read-only filesystem).
awaitable<void> put_archive(const engine& daemon, const std::string& container, const std::string& dir,
                            std::string tar, bool copy_owner, const std::string& op);

/// HEAD: the stat of `path`, nullopt when it does not exist. Errors:
/// SandboxExecutionError (also when the stat header is missing or unreadable).
awaitable<std::optional<path_stat>> stat_path(const engine& daemon, const std::string& container,
                                              const std::string& path, const std::string& op);

/// What get_archive fetches.
enum class archive_kind {
  file,       // one member named by the file's basename; symlinks are followed
  directory,  // the directory's entries as "./name" (the path is sent as "<dir>/.")
};

/// GET: the archive of `path`, read whole. For archive_kind::file the stat header is
/// checked before the body is read: a directory is refused, a symlink is followed (at
/// most 8 links). Errors: SandboxNotFoundError (missing path or container),
/// SandboxExecutionError ("is a directory", "not a directory", daemon errors).
/// Cancellation: the connection is closed.
awaitable<std::string> get_archive(const engine& daemon, const std::string& container, std::string path,
                                   archive_kind kind, const std::string& op);

}  // namespace sbx::drivers::docker
