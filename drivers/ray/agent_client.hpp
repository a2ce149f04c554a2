// Calls on one sandbox's exec agent (see agent/sbx_ray_agent.py for the protocol).
#pragma once

#include "drivers/ray/agent_ready.hpp"
#include "http/client.hpp"
#include "sbx/driver.hpp"

#include <memory>
#include <string>
#include <vector>

namespace sbx::drivers::ray {

/// One agent, reached over the shared connection pool with the sandbox's token (sent
/// as "Authorization: Bearer", never shown in errors). Copies share state. Errors of
/// every call: SandboxConnectionError when the agent cannot be reached (the sandbox
/// may be gone: callers check the job), SandboxExecutionError for protocol failures,
/// SandboxNotFoundError where noted. Cancellation: per-operation, as http::client.
class agent_client {
 public:
  agent_client(std::shared_ptr<http::connection_pool> pool, const agent_address& address, std::string token);

  /// GET /health: proves the agent answers and accepts the token.
  awaitable<void> health() const;

  /// PUT /env: the environment overlay of every later command.
  awaitable<void> set_env(const env_map& env) const;

  /// Runs a command and streams its output to request.on_output. Timeout: the agent
  /// kills the command's process group and reports {124, timed_out}. Cancellation:
  /// the agent is told to kill the process group (POST /kill) before operation_aborted
  /// is rethrown.
  awaitable<ExecStatus> exec(ExecRequest request) const;

  /// GET /list. Errors: SandboxNotFoundError for a missing path, SandboxExecutionError
  /// for a file.
  awaitable<std::vector<FileInfo>> list(const std::string& path) const;

  /// GET /file. Errors: SandboxNotFoundError for a missing file.
  awaitable<std::string> read(const std::string& path) const;

  /// PUT /file: creates parents, replaces the file.
  awaitable<void> write(const std::string& path, std::string content) const;

 private:
  awaitable<http::response> send(http::request request) const;
  awaitable<void> kill(const std::string& exec_id) const;

  http::client client_;
  std::string token_;
};

}  // namespace sbx::drivers::ray
