// The creation steps after the provider made the sandbox, in the original's order:
// git_repo clone, files, workspace manifest, preset setup commands.
#pragma once

#include "resolve_options.hpp"
#include "sbx/options.hpp"
#include "sbx/sandbox.hpp"

namespace sbx::detail {

/// Runs every creation step on `sandbox`. Errors: SandboxCreationError (git clone or a
/// setup command failed: message names the command, exit code and stderr),
/// WorkspaceError / SandboxConfigurationError from the manifest. The caller destroys
/// the sandbox on failure.
awaitable<void> materialize(Sandbox& sandbox, const CreateOptions& requested,
                            const creation_plan& plan);

/// `url` with any user:password@ part replaced by "***@" (for messages).
std::string redact_url(std::string_view url);

}  // namespace sbx::detail
