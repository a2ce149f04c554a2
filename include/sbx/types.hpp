// Plain value types returned by sandbox operations.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx {

/// Environment overlay: names to values, applied over the sandbox's environment.
using env_map = std::map<std::string, std::string>;

/// The outcome of a command. A non-zero exit_code is a result, not an error.
/// `std_out`/`std_err` hold the exact bytes (not necessarily UTF-8); they are named
/// so because `stdout`/`stderr` are macros in <cstdio>.
struct ExecResult {
  std::string std_out;
  std::string std_err;
  int exit_code = 0;
  bool timed_out = false;  // the exec timeout fired; exit_code is then 124
  std::chrono::nanoseconds duration{};
  bool output_truncated = false;  // a stream passed ExecOptions::max_output_bytes
};

/// One entry of list_files: a full path inside the sandbox.
struct FileInfo {
  std::string path;
  bool is_dir = false;
  std::optional<std::uint64_t> size;  // set for regular files
  friend bool operator==(const FileInfo&, const FileInfo&) = default;
};

/// A provider-side snapshot that `CreateOptions::snapshot_id` can restore.
struct SnapshotInfo {
  std::string snapshot_id;
  std::string backend;
  std::optional<std::string> created_at;  // ISO 8601 UTC
};

/// What is needed to reattach to a live sandbox from another process.
/// JSON form: {"backend": "<name>", "data": {...driver specific...}}.
struct SessionState {
  std::string backend;
  boost::json::object data;

  /// Serialises to the JSON form above.
  std::string to_json() const;
  /// Parses the JSON form. Throws SandboxConfigurationError naming the missing or
  /// mistyped key; never throws anything else.
  static SessionState from_json(std::string_view json);
};

/// An argument vector run without any shell: each element reaches the program as-is.
struct argv {
  std::vector<std::string> args;
  argv(std::initializer_list<std::string> list) : args(list) {}
  explicit argv(std::vector<std::string> list) : args(std::move(list)) {}
};

/// Which stream a chunk of streamed output came from.
enum class output_stream { std_out, std_err };

/// Receives output chunks as they arrive. Called on the caller's executor, in order
/// per stream; the view is valid only during the call.
using output_handler = std::function<void(output_stream, std::string_view chunk)>;

/// The default bound on the collected output of one stream of one command (256 MiB).
inline constexpr std::size_t default_max_output_bytes = std::size_t{256} << 20;

/// Per-call options of exec, exec_stream and run_code.
struct ExecOptions {
  env_map env;                                       // overlays the sandbox env
  std::optional<std::string> cwd;                    // relative: against the workdir
  std::optional<std::chrono::milliseconds> timeout;  // unset: the client's exec_timeout
  std::optional<std::string> stdin_data;             // bytes fed to stdin, then EOF
  // Collected output kept per stream (exec, run_code, exec_as): the first bytes up to
  // this bound are kept, the rest is read and discarded (the command runs on
  // undisturbed) and ExecResult::output_truncated is set. exec_stream is not bounded.
  std::size_t max_output_bytes = default_max_output_bytes;
};

}  // namespace sbx
