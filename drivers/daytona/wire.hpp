// The Daytona wire formats the driver speaks, as pure functions: REST API JSON (the
// create body, sandbox objects, list pages and queries) and toolbox JSON (file entries,
// session answers), plus the shell command an exec becomes. Parsers throw
// std::invalid_argument naming what is wrong; callers turn that into the sbx error of
// their operation.
#pragma once

#include "sbx/driver.hpp"
#include "sbx/options.hpp"
#include "sbx/types.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::daytona {

/// The label that identifies one create call, so that an ambiguous failure can be
/// resolved by listing sandboxes.
inline constexpr const char* label_create_nonce = "sbx.create_nonce";
/// The label Daytona's SDKs set; it picks the language of /process/code-run.
inline constexpr const char* label_code_language = "code-toolbox-language";

/// A sandbox as the REST API describes it.
struct sandbox_record {
  std::string id;
  std::string state;         // SandboxState: "creating", "started", "error", ...
  std::string error_reason;  // set for "error" and "build_failed"
  std::string toolbox_proxy_url;
  env_map labels;
};

/// Where a sandbox is on its way to `started`.
enum class state_kind { started, pending, failed, gone };

/// started -> started; error, build_failed -> failed; destroyed, destroying -> gone;
/// every other state (creating, pending_build, starting, ... and unknown names) -> pending.
state_kind classify_state(std::string_view state);

/// Parses one Sandbox object (id required).
sandbox_record parse_sandbox(const boost::json::value& value);

/// One page of GET /sandbox.
struct sandbox_page {
  std::vector<sandbox_record> items;
  std::string next_cursor;  // empty on the last page
};
/// Parses {"items": [...], "nextCursor": ...} (a bare array is one last page).
sandbox_page parse_sandbox_page(const boost::json::value& value);

/// The body of POST /sandbox. With options.image: "create from image" (buildInfo with
/// "FROM <image>") and the resources cpu (cores, rounded up), memory and disk (GB,
/// rounded up from MB), gpu; otherwise `snapshot` when set (Daytona refuses resources
/// with a snapshot, so they are left out). Always: env, labels (plus
/// code-toolbox-language=python), networkBlockAll = !allow_internet, the lifetime
/// backstop autoStopInterval = timeout_secs in whole minutes (rounded up) and
/// autoDeleteInterval = 0 (deleted once stopped), target when set; then every key of
/// options.backend_options, which wins.
boost::json::object create_body(const ResolvedOptions& options, const std::optional<std::string>& snapshot,
                                const std::optional<std::string>& target, const env_map& labels);

/// Percent-encodes `text` for a URL query value (everything but unreserved characters).
std::string query_encode(std::string_view text);

/// The query (after '?') of GET /sandbox for sandboxes carrying every label of
/// `filter`, `limit` per page, continuing at `cursor` (empty: the first page).
std::string list_query(const env_map& filter, std::size_t limit, const std::string& cursor);

/// The entries of a GET /files answer (FileInfo array) for the directory `dir`, with
/// full paths (dir + "/" + name).
std::vector<FileInfo> parse_file_list(const boost::json::value& value, const std::string& dir);

/// `word` quoted for a POSIX shell (and zsh): 'it'\''s'.
std::string shell_quote(std::string_view word);
/// The words quoted and joined by spaces.
std::string shell_join(const std::vector<std::string>& words);

/// Where one exec keeps its files inside the sandbox.
struct exec_files {
  std::string dir;    // created by the command; removed by the driver afterwards
  std::string input;  // a file holding the stdin bytes, or /dev/null
  std::string out() const { return dir + "/out"; }
  std::string err() const { return dir + "/err"; }
};

/// The shell command line an exec becomes: the environment (`env`, names checked) as
/// assignments, then /bin/sh running argv in cwd with stdin from files.input, stdout
/// appended to files.out() and stderr to files.err(), byte for byte. Its exit status is
/// the command's (1 when cwd cannot be entered). Throws SandboxConfigurationError for an
/// environment name that is not a shell identifier, SandboxExecutionError for an empty argv.
std::string exec_command_line(const std::vector<std::string>& argv, const env_map& env, const std::string& cwd,
                              const exec_files& files);

/// The "cmdId" of a session exec answer.
std::string parse_command_id(const boost::json::value& value);
/// The "exitCode" of a session Command object; nullopt while it runs.
std::optional<int> parse_command_exit(const boost::json::value& value);

/// One form field of a multipart/form-data body: text when filename is empty.
struct form_field {
  std::string name;
  std::string filename;
  std::string_view content;
};
/// A multipart/form-data body of `fields` with `boundary`.
std::string multipart_body(const std::vector<form_field>& fields, const std::string& boundary);

}  // namespace sbx::drivers::daytona
