// Running a command's coroutine on this thread.
#pragma once

#include "sbx/driver.hpp"

namespace sbx::cli {

/// Runs `main` to completion on a fresh io_context on the calling thread and returns
/// its exit status. Errors: whatever `main` throws.
int run_async(awaitable<int> main);

}  // namespace sbx::cli
