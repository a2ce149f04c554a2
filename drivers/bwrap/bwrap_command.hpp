// The bubblewrap command line that runs one command of a bwrap sandbox. Pure: no
// I/O, so that the exact argv is unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbx::drivers::bwrap {

/// Everything one bwrap command line depends on. Paths are absolute host paths.
struct bwrap_invocation {
  std::string bwrap;     // the bwrap program
  std::string prlimit;   // the prlimit program (util-linux); used when a limit is set
  std::string base;      // directory holding every sandbox: hidden under a tmpfs
  std::vector<std::string> writable;  // bound read-write at their own path (workdir, scratch)
  std::string cwd;       // where the command starts, inside the sandbox
  bool allow_internet = true;                 // false: --unshare-net (loopback only)
  std::optional<std::uint64_t> memory_bytes;  // RLIMIT_AS of the command
  std::optional<std::uint64_t> cpu_seconds;   // RLIMIT_CPU of the command
};

/// The host argv running `argv` (looked up on the sandbox PATH) under bwrap:
///
///   bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp
///         [--bind W W]... --tmpfs <base> [--bind W W]...
///         --unshare-pid --unshare-ipc --unshare-uts [--unshare-net]
///         --die-with-parent --new-session --cap-drop ALL --chdir <cwd>
///         -- [prlimit [--as=B] [--cpu=S] --] argv...
///
/// Writable directories outside `base` are bound before the tmpfs that hides `base`,
/// those inside it after, so that only the sandbox's own directories show. Never throws
/// except std::bad_alloc.
std::vector<std::string> bwrap_argv(const bwrap_invocation& how, std::vector<std::string> argv);

}  // namespace sbx::drivers::bwrap
