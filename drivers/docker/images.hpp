// Images: is it here, and pulling it when it is not.
#pragma once

#include "drivers/docker/engine.hpp"
#include "drivers/docker/responses.hpp"

#include <optional>
#include <string>

namespace sbx::drivers::docker {

/// GET /images/{name}/json; nullopt on 404. Errors: SandboxCreationError.
awaitable<std::optional<image_facts>> inspect_image(const engine& daemon, const std::string& name);

/// POST /images/create for `name` (tag "latest" when it has none), following the
/// progress stream: each layer's status changes are logged at info level ("docker:
/// pull <image>: <layer> <status>"). The registry credentials of the driver options go
/// in X-Registry-Auth, marked sensitive. Errors: SandboxCreationError with the daemon's
/// or the stream's error message (a 200 answer can still carry one).
/// Cancellation: the stream is closed; the daemon may finish the pull by itself.
awaitable<void> pull_image(const engine& daemon, const std::string& name);

/// The image's facts, pulling it first when missing and `may_pull`. Errors:
/// SandboxNotFoundError when missing and !may_pull (snapshots are never pulled),
/// otherwise as pull_image.
awaitable<image_facts> ensure_image(const engine& daemon, const std::string& name, bool may_pull);

}  // namespace sbx::drivers::docker
