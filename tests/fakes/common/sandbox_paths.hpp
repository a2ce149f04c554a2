// How a fake sandbox's file system is laid out: a few sandbox directories (the home,
// /tmp) are private host directories bound into place; everything else is the host's,
// read-only. The same view is given to commands (through bubblewrap) and to the
// provider's file API, so both agree on every path.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx_fake {

/// A private host directory that appears at `sandbox_path` inside the sandbox.
struct mount {
  std::string sandbox_path;  // absolute, normalised: "/home/user"
  std::filesystem::path host_path;
};

/// Path translation for one sandbox.
class sandbox_paths {
 public:
  /// `mounts` are searched longest prefix first; `home` is where relative paths and
  /// "~" start (it must be one of the mounts). `host_dirs` are host directories seen
  /// read-only through a private "/" mount (see sandbox_layout::host_dirs).
  sandbox_paths(std::vector<mount> mounts, std::string home, std::vector<std::string> host_dirs = {});

  /// `path` made absolute against the home ("~" and "~/x" expand to it) and
  /// normalised lexically.
  std::string resolve(std::string_view path) const;

  /// The host path behind the absolute sandbox path `path` when it lies in a private
  /// mount (writable); nullopt for the read-only rest of the host.
  std::optional<std::filesystem::path> writable(std::string_view path) const;
  /// The host path that holds what the sandbox sees at `path` (mounts, else the host's
  /// own path, read-only).
  std::filesystem::path readable(std::string_view path) const;
  /// The sandbox path of a host path inside a mount (the inverse of readable); other
  /// host paths are returned unchanged.
  std::string to_sandbox(const std::filesystem::path& host) const;

  const std::vector<mount>& mounts() const noexcept { return mounts_; }
  const std::vector<std::string>& host_dirs() const noexcept { return host_dirs_; }
  const std::string& home() const noexcept { return home_; }

 private:
  const mount* find(std::string_view path) const;

  std::vector<mount> mounts_;
  std::string home_;
  std::vector<std::string> host_dirs_;
};

}  // namespace sbx_fake
