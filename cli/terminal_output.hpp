// Writing command output to this process's stdout and stderr.
#pragma once

#include "sbx/types.hpp"

#include <string_view>

namespace sbx::cli {

/// Writes all of `bytes` to `fd`, retrying short writes; gives up silently when the
/// reader is gone (EPIPE), as `cat` does under SIGPIPE.
void write_all(int fd, std::string_view bytes);

/// An output handler that copies a sandbox's stdout to ours and its stderr to ours.
output_handler to_terminal();

/// Writes a result's collected output to our stdout and stderr.
void print_output(const ExecResult& result);

}  // namespace sbx::cli
