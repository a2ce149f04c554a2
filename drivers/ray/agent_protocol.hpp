// The agent's wire format (pure): request targets and bodies, the exec frame stream,
// directory listings and error bodies. See agent/sbx_ray_agent.py for the server side.
#pragma once

#include "sbx/driver.hpp"
#include "sbx/errors.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::ray {

/// "<route>?<name>=<value percent-encoded byte by byte>", e.g. "/file?path=%2Fa%20b".
std::string agent_target(std::string_view route, std::string_view value, std::string_view name = "path");

/// The body of POST /exec: one JSON line {"id", "argv", "env", "cwd", "timeout_ms"}
/// followed by the stdin bytes. Strings go out as raw bytes, so arguments that are not
/// UTF-8 arrive unchanged.
std::string encode_exec_body(std::string_view exec_id, const ExecRequest& request);

/// The kinds of frames in an exec response: 1 byte kind, 4 bytes big-endian payload
/// length, payload.
enum class frame_kind : std::uint8_t { std_out = 1, std_err = 2, exit = 3 };

/// Decodes an exec response incrementally: output payloads are handed on as soon as
/// their bytes arrive (split anywhere), the exit frame ends the stream.
class frame_decoder {
 public:
  /// Consumes `bytes`; every output byte goes to `on_output` in order. Throws
  /// SandboxExecutionError (op "exec") on an unknown kind, an oversized or malformed exit
  /// record, or bytes after the exit frame.
  void feed(std::string_view bytes, const output_handler& on_output);

  /// How the command ended, once the exit frame was decoded.
  const std::optional<ExecStatus>& exit() const noexcept { return exit_; }

 private:
  std::string header_;       // bytes of the current frame header (< 5)
  frame_kind kind_{};
  std::uint32_t remaining_ = 0;  // payload bytes still to come for the current frame
  std::string exit_payload_;
  std::optional<ExecStatus> exit_;
};

/// The entries of GET /list's JSON body, with full paths under `dir` (an absolute
/// normalised path). Throws SandboxExecutionError (op "list_files") on a malformed body.
std::vector<FileInfo> parse_file_list(std::string_view body, std::string_view dir);

/// Throws the sbx error for an agent error response: SandboxNotFoundError for 404,
/// SandboxExecutionError otherwise, with the agent's message (never request headers).
[[noreturn]] void throw_agent_error(unsigned status, std::string_view body, const std::string& op,
                                    error_context context);

}  // namespace sbx::drivers::ray
