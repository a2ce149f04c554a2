// File operations through Modal's in-sandbox helper (modal-sandbox-fs-tools), run as
// ordinary execs on the task command router: bytes travel as the helper's stdin and
// stdout, so any content (all 256 byte values, any size) round-trips unchanged.
#pragma once

#include "drivers/modal/modal_api.hpp"
#include "sbx/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace sbx::drivers::modal {

/// ReadFile. Errors: SandboxNotFoundError (missing file), SandboxExecutionError.
boost::asio::awaitable<std::string> fs_read(const router_client& router, const std::string& task_id, std::string path);
/// WriteFile (parents created, an existing file replaced). Errors: SandboxExecutionError.
boost::asio::awaitable<void> fs_write(const router_client& router, const std::string& task_id, std::string path,
                                      std::string content);
/// ListFiles of a directory. Errors: SandboxNotFoundError (missing path),
/// SandboxExecutionError (a file, or helper failures).
boost::asio::awaitable<std::vector<FileInfo>> fs_list(const router_client& router, const std::string& task_id,
                                                      std::string path);

}  // namespace sbx::drivers::modal
