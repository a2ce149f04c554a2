// Exact command output over Tensorlake's line-oriented process stream.
//
// POST /api/v1/processes/run reports output as text lines (JSON strings, the newline
// removed), so bytes that are not UTF-8, a missing final newline or a CR cannot be told
// apart on the wire. The driver therefore runs every command under a small POSIX sh
// wrapper that encodes each stream inside the sandbox with `sed -n 'l 1000'` (C
// locale): every output line becomes one printable-ASCII record ending in '$', bytes
// outside printable ASCII become escapes (\\ \a \b \f \n \r \t \v \ooo), long records
// are wrapped into segments ending in '\'. After the command ends the wrapper appends a
// sentinel 'X' to both streams, so the last record always ends with "X$" and tells
// whether the output ended with a newline. The exit status is the command's.
//
// line_decoder turns the received segments back into the exact bytes, as they arrive
// (a record's bytes are handed on at once; only a trailing 'X' waits for the next
// segment, as it may be the sentinel).
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::tensorlake {

/// The argv that runs `argv` under the encoding wrapper (argv[0] found on PATH).
/// `stdin_path` non-empty: the command's stdin is that sandbox file, which the wrapper
/// opens and then deletes; empty: stdin stays as the process API gives it (closed).
std::vector<std::string> wrapped_command(const std::vector<std::string>& argv, const std::string& stdin_path);

/// A segment that the wrapper cannot have produced.
class malformed_output : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Decodes the segments of one stream (stdout or stderr) into the original bytes.
class line_decoder {
 public:
  /// Receives decoded bytes in order.
  using sink = std::function<void(std::string_view)>;

  explicit line_decoder(sink out) : out_(std::move(out)) {}

  /// Decodes one received line. Throws malformed_output for a line that is not a
  /// segment (no final '$' or '\', a bad escape).
  void feed(std::string_view segment);
  /// Call when the stream ended normally: true when the sentinel record was the last
  /// record (the output is complete). A held 'X' is then dropped.
  bool finish_complete() const noexcept { return final_pending_; }
  /// Call when the command was stopped (timeout, cancellation): a held 'X' and
  /// newline are real output and are handed on.
  void flush_interrupted();

 private:
  void emit_held();

  sink out_;
  bool held_x_ = false;         // a trailing 'X' of the record so far waits
  bool final_pending_ = false;  // the last record ended in 'X': "X\n" waits
  std::string scratch_;
};

}  // namespace sbx::drivers::tensorlake
