// A connection taken over after an HTTP upgrade (Docker's exec attach).
#pragma once

#include <cstddef>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>

#include "http/message.hpp"

namespace sbx::http {

/// The raw byte stream that follows a "101 Switching Protocols" (or a 2xx answer whose
/// body is the rest of the connection, as Docker sends without the Upgrade header).
/// When the server refused the upgrade, upgraded() is false and head() holds the whole
/// error response. The connection counts against its pool until closed or destroyed
/// and is never reused. Move-only.
class hijacked_stream {
 public:
  hijacked_stream();
  hijacked_stream(hijacked_stream&&) noexcept;
  hijacked_stream& operator=(hijacked_stream&&) noexcept;
  ~hijacked_stream();

  /// Status and headers of the upgrade response; its body only when not upgraded.
  const response& head() const noexcept;
  bool upgraded() const noexcept;

  /// Reads at least one byte into `buf` (bytes that arrived with the response header
  /// come first); returns 0 at end of stream. No deadline applies; cancellation is
  /// supported (the stream is closed and the call throws
  /// boost::system::system_error(operation_aborted)). Errors: SandboxConnectionError.
  boost::asio::awaitable<std::size_t> read_some(boost::asio::mutable_buffer buf);

  /// Writes all of `buf`. Cancellation as read_some(). Errors: SandboxConnectionError;
  /// the connection stays open for reading what the peer sent before it stopped
  /// reading.
  boost::asio::awaitable<void> write(boost::asio::const_buffer buf);

  /// Half-closes the sending side so the peer sees end of input (stdin EOF) while
  /// output can still be read. Throws FeatureNotSupportedError over TLS.
  void close_write();

  /// Closes the connection; an operation still pending completes with an error. The
  /// connection's pool slot is given back when the stream is destroyed.
  void close() noexcept;

  struct impl;
  explicit hijacked_stream(std::unique_ptr<impl> p) noexcept;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace sbx::http
