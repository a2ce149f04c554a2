#include "materialize.hpp"

#include "sbx/errors.hpp"

namespace sbx::detail {
namespace {

std::string repo_directory_name(std::string_view repo) {
  while (repo.size() > 1 && repo.back() == '/') repo.remove_suffix(1);
  if (repo.ends_with(".git")) repo.remove_suffix(4);
  const auto slash = repo.find_last_of("/:");
  return std::string(slash == std::string_view::npos ? repo : repo.substr(slash + 1));
}

// Built outside the coroutine: GCC 12 mishandles initializer lists in coroutine frames.
std::vector<std::string> git_clone_command(const std::string& repo, const std::optional<std::string>& ref) {
  std::vector<std::string> command{"git", "clone", "--depth", "1"};
  if (ref) command.insert(command.end(), {"--branch", *ref});
  command.insert(command.end(), {repo, repo_directory_name(repo)});
  return command;
}

awaitable<void> clone_repo(Sandbox& sandbox, const std::string& repo,
                           const std::optional<std::string>& ref) {
  const auto result = co_await sandbox.exec(argv(git_clone_command(repo, ref)));
  if (result.exit_code != 0)
    throw SandboxCreationError(
        "git clone of '" + redact_url(repo) + "' failed (exit " + std::to_string(result.exit_code) +
            "):\n" + result.std_err.substr(0, 500),
        {.backend = sandbox.backend_name(), .op = "git_clone",
         .context = {{"repo", redact_url(repo)}, {"exit_code", std::to_string(result.exit_code)}}});
}

awaitable<void> run_setup(Sandbox& sandbox, const creation_plan& plan) {
  for (const auto& command : plan.setup_commands) {
    const auto result = co_await sandbox.exec(command);
    if (result.exit_code != 0)
      throw SandboxCreationError(
          "Preset '" + plan.preset->name + "' setup failed on command: " + command +
              "\nexit_code=" + std::to_string(result.exit_code) + "\nstderr=" + result.std_err,
          {.backend = sandbox.backend_name(), .op = "preset_setup",
           .context = {{"preset", plan.preset->name}, {"exit_code", std::to_string(result.exit_code)}}});
  }
}

}  // namespace

std::string redact_url(std::string_view url) {
  const auto scheme = url.find("://");
  const auto start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const auto at = url.find('@', start);
  const auto slash = url.find('/', start);
  if (at == std::string_view::npos || (slash != std::string_view::npos && at > slash))
    return std::string(url);
  return std::string(url.substr(0, start)) + "***" + std::string(url.substr(at));
}

awaitable<void> materialize(Sandbox& sandbox, const CreateOptions& requested,
                            const creation_plan& plan) {
  if (requested.git_repo) co_await clone_repo(sandbox, *requested.git_repo, requested.git_ref);
  for (const auto& [path, content] : requested.files) co_await sandbox.write_file(path, content);
  if (!requested.workspace.entries.empty()) co_await apply(requested.workspace, sandbox);
  co_await run_setup(sandbox, plan);
}

}  // namespace sbx::detail
