#include "sbx/workspace.hpp"

#include "guarded.hpp"
#include "materialize.hpp"
#include "paths.hpp"
#include "sbx/errors.hpp"
#include "sbx/sandbox.hpp"

#include <filesystem>

namespace sbx {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void bad_entry(const std::string& message, const std::string& dest,
                            const std::string& source = {}) {
  error_context context{{"dest", dest}};
  if (!source.empty()) context["source"] = source;
  throw SandboxConfigurationError(message, {.op = "materialize", .context = std::move(context)});
}

void validate_entry(const std::string& dest, const workspace::Entry& entry) {
  if (dest.find_first_not_of(" \t\n") == std::string::npos)
    bad_entry("Manifest destinations must be non-blank paths", dest);
  if (const auto* f = std::get_if<workspace::LocalFile>(&entry); f && !fs::is_regular_file(f->source))
    bad_entry("LocalFile source is not a file", dest, f->source.string());
  if (const auto* d = std::get_if<workspace::LocalDir>(&entry)) {
    if (!fs::is_directory(d->source)) bad_entry("LocalDir source is not a directory", dest, d->source.string());
    if (d->method != "auto" && d->method != "tar" && d->method != "per_file")
      bad_entry("LocalDir method must be auto, tar or per_file", dest, d->method);
  }
  if (const auto* g = std::get_if<workspace::GitRepo>(&entry); g && g->repo.empty())
    bad_entry("GitRepo needs a repository", dest);
  if (const auto* c = std::get_if<workspace::Custom>(&entry); c && !c->materialize)
    bad_entry("Custom entry needs a materialize function", dest);
}

transfer_method method_named(const std::string& name) {
  if (name == "tar") return transfer_method::tar;
  if (name == "per_file") return transfer_method::per_file;
  return transfer_method::automatic;
}

const char* type_name(const workspace::Entry& entry) {
  static constexpr const char* names[] = {"File", "LocalFile", "LocalDir", "GitRepo", "Custom"};
  return names[entry.index()];
}

// (Argument vectors are built outside coroutines: GCC 12 mishandles initializer lists
// in coroutine frames.)
std::vector<std::string> make_parent_command(const std::string& target) {
  return {"mkdir", "-p", detail::parent_path(target)};
}

std::vector<std::string> git_clone_command(const workspace::GitRepo& git, const std::string& target) {
  std::vector<std::string> command{"git", "clone"};
  if (git.depth > 0) command.insert(command.end(), {"--depth", std::to_string(git.depth)});
  if (git.ref) command.insert(command.end(), {"--branch", *git.ref});
  command.insert(command.end(), {git.repo, target});
  return command;
}

awaitable<void> clone_into(Sandbox& sb, const std::string& dest, const workspace::GitRepo& git) {
  const auto target = detail::resolve_sandbox_path(sb.workdir(), dest);
  co_await sb.exec(argv(make_parent_command(target)));
  const auto result = co_await sb.exec(argv(git_clone_command(git, target)));
  if (result.exit_code != 0)
    throw WorkspaceError("git clone of '" + detail::redact_url(git.repo) + "' failed (exit " +
                             std::to_string(result.exit_code) + "): " + result.std_err.substr(0, 500),
                         {.backend = sb.backend_name(), .op = "materialize",
                          .context = {{"dest", dest}, {"exit_code", std::to_string(result.exit_code)}}});
}

awaitable<void> materialize(Sandbox& sb, const std::string& dest, const workspace::Entry& entry) {
  if (const auto* f = std::get_if<workspace::File>(&entry)) {
    co_await sb.write_file(dest, f->content);
  } else if (const auto* lf = std::get_if<workspace::LocalFile>(&entry)) {
    co_await sb.upload_file(lf->source, dest);
  } else if (const auto* ld = std::get_if<workspace::LocalDir>(&entry)) {
    co_await sb.upload_dir(ld->source, dest, method_named(ld->method));
  } else if (const auto* g = std::get_if<workspace::GitRepo>(&entry)) {
    co_await clone_into(sb, dest, *g);
  } else {
    co_await std::get<workspace::Custom>(entry).materialize(sb, dest);
  }
}

}  // namespace

void Manifest::validate() const {
  for (const auto& [dest, entry] : entries) validate_entry(dest, entry);
}

awaitable<std::size_t> apply(const Manifest& manifest, Sandbox& sandbox) {
  manifest.validate();
  for (const auto& [dest, entry] : manifest.entries) {
    co_await detail::guarded<WorkspaceError>(
        sandbox.backend_name(),
        std::string("materialize ") + type_name(entry) + " at '" + dest + "'",
        materialize(sandbox, dest, entry));
  }
  co_return manifest.entries.size();
}

}  // namespace sbx
