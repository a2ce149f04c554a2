// The fake sandboxes of one fake server: each is a private directory tree under the
// fake's root, with its settings, its running commands and a lifetime timer.
#pragma once

#include "fakes/common/fake_process.hpp"
#include "fakes/common/sandbox_paths.hpp"
#include "process/process_group.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sbx_fake {

/// Where a provider's sandboxes keep their files: `home` (relative paths start there)
/// and the other sandbox directories that get a private, writable host directory.
struct sandbox_layout {
  std::string home = "/home/user";
  std::vector<std::string> private_dirs{"/home/user", "/tmp"};
  // With "/" among private_dirs (a container-like writable root), the host directories
  // that stay visible over it, read-only (those missing on the host are skipped).
  std::vector<std::string> host_dirs;
};

/// What a sandbox was created with.
struct sandbox_settings {
  sbx::env_map env;     // environment of every command
  sbx::env_map labels;  // provider metadata
  bool network = true;  // false: commands run without a network
  std::chrono::seconds lifetime{0};  // 0: lives until removed
  boost::json::object attributes;    // provider-specific facts (template, tokens...)
};

/// One live fake sandbox.
class fake_sandbox {
 public:
  fake_sandbox(boost::asio::any_io_executor executor, std::string id, std::filesystem::path dir,
               sandbox_paths paths, sandbox_settings settings);

  const std::string& id() const noexcept { return id_; }
  const std::filesystem::path& dir() const noexcept { return dir_; }
  const sandbox_paths& paths() const noexcept { return paths_; }
  sandbox_settings& settings() noexcept { return settings_; }
  const sandbox_settings& settings() const noexcept { return settings_; }
  std::chrono::system_clock::time_point created_at() const noexcept { return created_at_; }
  std::chrono::system_clock::time_point expires_at() const noexcept { return expires_at_; }

  /// Starts a command with the sandbox's env under `spec.env` and records it until it
  /// is forgotten. Errors as fake_process::start.
  std::shared_ptr<fake_process> start(const runner_options& runner, command_spec spec);
  /// A recorded command, or nullptr.
  std::shared_ptr<fake_process> find_process(int pid) const;
  /// Drops a finished command from the table.
  void forget(int pid);
  /// The recorded commands.
  std::vector<std::shared_ptr<fake_process>> processes() const;

 private:
  friend class sandbox_registry;

  std::string id_;
  std::filesystem::path dir_;
  sandbox_paths paths_;
  sandbox_settings settings_;
  std::chrono::system_clock::time_point created_at_;
  std::chrono::system_clock::time_point expires_at_;
  boost::asio::steady_timer lifetime_;
  boost::asio::any_io_executor executor_;
  std::shared_ptr<sbx::process::process_group_set> groups_;
  std::map<int, std::shared_ptr<fake_process>> processes_;
};

/// All sandboxes of a fake. Single-threaded, like the server.
class sandbox_registry {
 public:
  /// Sandboxes live under `root` (created if missing, removed with them).
  sandbox_registry(boost::asio::any_io_executor executor, std::filesystem::path root,
                   sandbox_layout layout, runner_options runner);
  /// Ends every sandbox and removes the root.
  ~sandbox_registry();
  sandbox_registry(const sandbox_registry&) = delete;
  sandbox_registry& operator=(const sandbox_registry&) = delete;

  /// A new sandbox with a fresh id and its directories. Throws std::system_error when
  /// they cannot be made.
  std::shared_ptr<fake_sandbox> create(sandbox_settings settings);
  /// The live sandbox `id`, or nullptr.
  std::shared_ptr<fake_sandbox> find(std::string_view id) const;
  /// Ends the sandbox `id`: kills everything its commands started and removes its
  /// files. False when there is no such sandbox.
  bool remove(std::string_view id);
  /// Restarts the sandbox's lifetime: it ends `lifetime` from now (0: never).
  void set_lifetime(fake_sandbox& sandbox, std::chrono::seconds lifetime);

  /// The live sandboxes, ordered by id.
  std::vector<std::shared_ptr<fake_sandbox>> list() const;
  std::size_t live() const noexcept { return sandboxes_.size(); }
  std::uint64_t created() const noexcept { return created_; }
  std::uint64_t removed() const noexcept { return removed_; }
  const runner_options& runner() const noexcept { return runner_; }
  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  void end(fake_sandbox& sandbox);

  boost::asio::any_io_executor executor_;
  std::filesystem::path root_;
  sandbox_layout layout_;
  runner_options runner_;
  std::map<std::string, std::shared_ptr<fake_sandbox>, std::less<>> sandboxes_;
  std::uint64_t created_ = 0;
  std::uint64_t removed_ = 0;
};

}  // namespace sbx_fake
