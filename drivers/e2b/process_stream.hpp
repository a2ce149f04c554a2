// Reading a process.Process/Start response: Connect envelopes reassembled from the
// HTTP body and decoded into process events, then the end-of-stream status.
#pragma once

#include "codecs/connect_envelope.hpp"
#include "drivers/e2b/wire.hpp"
#include "http/streamed_response.hpp"

#include <boost/asio/awaitable.hpp>

#include <deque>
#include <optional>

namespace sbx::drivers::e2b {

/// The events of one Start call, in order.
class process_stream {
 public:
  /// Reads `response`, the open 200 answer of a Start call.
  explicit process_stream(http::streamed_response response);

  /// The next event, or nullopt once the end-of-stream message arrived (then error()
  /// tells whether the call failed). Cancellation: supported; the connection is closed
  /// and operation_aborted thrown. Errors: SandboxExecutionError for malformed
  /// envelopes or events, or a body that ends without an end-of-stream message;
  /// SandboxConnectionError when the connection fails.
  boost::asio::awaitable<std::optional<process_event>> next();

  /// The error of the end-of-stream message (nullopt: success, or not reached yet).
  const std::optional<connect::error>& error() const noexcept { return error_; }

  /// Abandons the rest of the stream (closes its connection).
  void close() noexcept { response_.close(); }

 private:
  std::optional<process_event> decoded();

  http::streamed_response response_;
  connect::envelope_decoder decoder_;
  std::optional<connect::error> error_;
  bool ended_ = false;
};

}  // namespace sbx::drivers::e2b
