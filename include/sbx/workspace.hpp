// Declarative workspace manifests: what to put where in a new sandbox.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace sbx {

class Sandbox;

namespace workspace {

/// Literal content written to the destination path.
struct File {
  std::string content;
};

/// A host file copied in; executable bits are kept.
struct LocalFile {
  std::filesystem::path source;
};

/// A host directory copied in as one archive (method: "auto", "tar" or "per_file").
struct LocalDir {
  std::filesystem::path source;
  std::string method = "auto";
};

/// A git repository cloned at the destination (depth 0: full history).
struct GitRepo {
  std::string repo;
  std::optional<std::string> ref;
  int depth = 1;
};

/// Anything else: a coroutine that materialises itself at `dest`.
struct Custom {
  std::function<boost::asio::awaitable<void>(Sandbox&, const std::string& dest)> materialize;
};

using Entry = std::variant<File, LocalFile, LocalDir, GitRepo, Custom>;

}  // namespace workspace

/// Ordered destination → entry list; later entries overlay earlier ones.
/// Validation (non-blank destinations, existing local sources) happens in
/// Manifest::validate and again at materialisation; both throw
/// SandboxConfigurationError naming the entry.
struct Manifest {
  std::vector<std::pair<std::string, workspace::Entry>> entries;

  /// Throws SandboxConfigurationError for a blank destination or a missing local source.
  void validate() const;
};

/// Applies `manifest` to a live sandbox in order and returns the number of entries.
/// Errors: SandboxConfigurationError (bad entry), WorkspaceError (a step failed; the
/// message names the entry and destination), SandboxError from the sandbox itself.
/// Cancellation: stops between or inside entries; already written entries stay.
boost::asio::awaitable<std::size_t> apply(const Manifest& manifest, Sandbox& sandbox);

}  // namespace sbx
