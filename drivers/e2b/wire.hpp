// The E2B wire formats the driver speaks, as pure functions: control-plane JSON
// (sandbox objects, the create body, list queries) and envd JSON (the Start request,
// process events, file entries). Parsers throw std::invalid_argument naming what is
// wrong; callers turn that into the sbx error of their operation.
#pragma once

#include "sbx/options.hpp"
#include "sbx/types.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::e2b {

/// The metadata label that identifies one create call, so that an ambiguous failure
/// can be resolved by listing sandboxes.
inline constexpr const char* label_create_nonce = "sbx.create_nonce";

/// A sandbox as the control plane describes it (Sandbox, SandboxDetail or
/// ListedSandbox objects).
struct sandbox_record {
  std::string sandbox_id;
  std::string template_id;
  std::string envd_version;
  std::optional<std::string> envd_access_token;
  std::optional<std::string> domain;
  env_map metadata;
};

/// Parses one sandbox object.
sandbox_record parse_sandbox(const boost::json::value& value);
/// Parses the array a list call returns.
std::vector<sandbox_record> parse_sandbox_list(const boost::json::value& value);

/// The body of POST /sandboxes: templateID, timeout (the lifetime backstop), envVars,
/// metadata, allow_internet_access, secure, autoPause=false; then every key of
/// options.backend_options, which wins.
boost::json::object create_body(const ResolvedOptions& options, const std::string& template_id,
                                const env_map& metadata);

/// Percent-encodes `text` for a URL query value (everything but unreserved characters).
std::string query_encode(std::string_view text);

/// The query (after '?') of GET /v2/sandboxes for running sandboxes whose metadata
/// holds every entry of `filter`, `limit` per page, continuing after `next_token`.
std::string list_query(const env_map& filter, std::size_t limit, const std::string& next_token);

/// The StartRequest JSON of a command. `stdin_flag` unset leaves the field out (envd
/// older than 0.3.0 rejects it).
boost::json::object start_request(const std::vector<std::string>& argv, const env_map& envs, const std::string& cwd,
                                  std::optional<bool> stdin_flag);

/// One event of a process.Process/Start stream.
struct process_event {
  enum class kind { start, output, keepalive, end, unknown };
  kind type = kind::unknown;
  int pid = 0;                                      // start
  output_stream stream = output_stream::std_out;  // output
  std::string data;                                 // output: the decoded bytes
  int exit_code = 0;                                // end (see exit_code_of)
};

/// Parses the JSON of one StartResponse message.
process_event parse_process_event(std::string_view json);

/// The exit code of an `end` event: exitCode (missing = 0); for a process ended by a
/// signal (exitCode -1, status "signal: killed"), 128 + the signal number as a shell
/// reports it (255 when the signal is not recognised). Throws std::invalid_argument
/// when exitCode is a number but not an int (1.5, 1e30).
int exit_code_of(const boost::json::object& end);

/// The FileInfo of an EntryInfo; nullopt for entries of an unspecified type (which
/// E2B's SDKs skip too). A size that is not a byte count reads as 0.
std::optional<FileInfo> parse_entry(const boost::json::object& entry);

/// True when the dotted version `version` ("0.5.7") is at least `minimum`. Unparsable
/// versions count as new.
bool version_at_least(std::string_view version, std::string_view minimum);

}  // namespace sbx::drivers::e2b
