// Exec instance calls: create, start on a hijacked connection, inspect.
#pragma once

#include "drivers/docker/engine.hpp"
#include "drivers/docker/responses.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace sbx::drivers::docker {

/// POST /containers/{id}/exec; returns the exec id. Errors: SandboxNotFoundError when
/// the container is gone or not running (404/409; Podman: 500), SandboxExecutionError.
awaitable<std::string> create_exec(const engine& daemon, const std::string& container,
                                   const boost::json::object& body, const std::string& op);

/// POST /exec/{id}/start with `Connection: Upgrade` and `Upgrade: tcp` (Podman upgrades
/// only when both are sent); returns the multiplexed stream. Errors as create_exec.
awaitable<http::hijacked_stream> start_exec(const engine& daemon, const std::string& exec_id, const std::string& op);

/// The exit code of a finished exec: GET /exec/{id}/json, polled for up to a second
/// while the daemon still reports it running or without an exit code (Podman races).
/// Errors: SandboxNotFoundError (exec or container gone), SandboxExecutionError when no
/// exit code appears.
awaitable<int> exec_exit_code(const engine& daemon, const std::string& exec_id, const std::string& op);

}  // namespace sbx::drivers::docker
