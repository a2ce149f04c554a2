// A sandbox that lives for one CLI invocation: created, used, always destroyed.
#pragma once

#include "sandbox_flags.hpp"

#include "sbx/sandbox.hpp"

#include <functional>

namespace sbx::cli {

/// What runs inside the sandbox; returns the exit status of the invocation.
using sandbox_body = std::function<awaitable<int>(Sandbox&)>;

/// Connects to `flags.backend`, creates a sandbox from `flags`, runs `body` in it and
/// destroys it whatever happened. SIGINT or SIGTERM cancels the create or the body;
/// the sandbox is still destroyed and the result is exit_interrupted. Errors: those of
/// connect, create, `body` and destroy.
awaitable<int> with_sandbox(sandbox_flags flags, sandbox_body body);

}  // namespace sbx::cli
