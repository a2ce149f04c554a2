// upload_dir / download_dir: one archive when the sandbox has tar, else file by file.
#pragma once

#include "sandbox_state.hpp"
#include "sbx/sandbox.hpp"

#include <filesystem>

namespace sbx::detail {

/// Copies the host tree `local_dir` to the absolute sandbox path `remote_dir`.
/// Returns the number of regular files. Errors: SandboxConfigurationError (no such
/// local directory), WorkspaceError (the transfer failed).
awaitable<std::size_t> upload_dir(sandbox_state& s, std::filesystem::path local_dir,
                                  std::string remote_dir, transfer_method method);

/// Copies the sandbox tree at `remote_dir` into `local_dir` with the archive path
/// rules of unpack_archive. Returns the number of regular files.
awaitable<std::size_t> download_dir(sandbox_state& s, std::string remote_dir,
                                    std::filesystem::path local_dir, transfer_method method);

}  // namespace sbx::detail
