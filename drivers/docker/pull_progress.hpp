// The progress stream of POST /images/create (I/O-free): a sequence of JSON objects
// separated by "\r\n" (Docker) or "\n" (Podman), delivered in arbitrary pieces.
#pragma once

#include <boost/json/stream_parser.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::docker {

/// One message of a pull. A 200 answer can still be a failed pull: `error` is set from
/// "errorDetail.message" or the deprecated "error" string.
struct pull_event {
  std::string status;  // "Pulling fs layer", "Downloading", "Pull complete", ...
  std::string id;      // layer id or tag; may be empty
  std::optional<std::int64_t> current;  // progressDetail, when present
  std::optional<std::int64_t> total;
  std::optional<std::string> error;
};

/// Splits the stream into events. Unknown fields are ignored.
class pull_progress_parser {
 public:
  /// The events completed by `chunk` (a message may span chunks). Throws
  /// SandboxCreationError (op "pull") when the stream is not a JSON object sequence.
  std::vector<pull_event> feed(std::string_view chunk);

  /// Call at end of stream: throws SandboxCreationError when it stopped inside a message.
  void finish() const;

 private:
  boost::json::stream_parser parser_;
  bool in_value_ = false;
};

}  // namespace sbx::drivers::docker
