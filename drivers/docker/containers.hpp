// Container calls: create, start, inspect, list, commit, remove.
#pragma once

#include "drivers/docker/engine.hpp"
#include "drivers/docker/responses.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace sbx::drivers::docker {

/// POST /containers/create?name=<name>; returns the container id. The name lets a
/// caller remove the container even when the answer was lost. Errors:
/// SandboxCreationError (SandboxNotFoundError when the image is missing).
awaitable<std::string> create_container(const engine& daemon, const std::string& name,
                                        const boost::json::object& body);

/// POST /containers/{id}/start (204, or 304 when already running). Errors:
/// SandboxCreationError (e.g. the entrypoint cannot run: no /bin/sh in the image).
awaitable<void> start_container(const engine& daemon, const std::string& id);

/// GET /containers/{id}/json. Errors: SandboxNotFoundError (404),
/// SandboxExecutionError.
awaitable<container_facts> inspect_container(const engine& daemon, const std::string& id, const std::string& op);

/// GET /containers/json?all=1 filtered by label key=value. Errors: SandboxExecutionError.
awaitable<std::vector<container_summary>> list_labelled(const engine& daemon, const std::string& key,
                                                        const std::string& value, const std::string& op);

/// POST /commit?container={id}: a new image of the container's filesystem (the
/// container is paused meanwhile); returns the image id as the daemon reports it
/// ("sha256:..." on Docker, bare hex on Podman). Errors: SandboxNotFoundError,
/// SandboxExecutionError.
awaitable<std::string> commit_container(const engine& daemon, const std::string& id);

/// DELETE /containers/{id}?force=true&v=true. Returns false when it was already gone
/// (404) or already being removed (409, e.g. by AutoRemove). Errors:
/// SandboxExecutionError.
awaitable<bool> remove_container(const engine& daemon, const std::string& id, const std::string& op);

}  // namespace sbx::drivers::docker
