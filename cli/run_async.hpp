// Running a command's coroutine on this thread.
#pragma once

#include "sbx/driver.hpp"

namespace sbx::cli {

/// Runs `main` to completion on a fresh io_context on the calling thread, then waits
/// for the background destroys of sandboxes it dropped, and returns its exit status.
/// Errors: whatever `main` throws (after that wait).
int run_async(awaitable<int> main);

}  // namespace sbx::cli
