// A response whose body is read piece by piece as it arrives.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "http/fields.hpp"

namespace sbx::http {

/// Status and headers of a response whose body has not been read yet (chunked
/// transfers, Connect server streams, SSE, Docker logs). Holds its pool connection until
/// the body is finished (then the connection is reused) or the object is closed or
/// destroyed (then the connection is closed). Move-only.
class streamed_response {
 public:
  streamed_response();
  streamed_response(streamed_response&&) noexcept;
  streamed_response& operator=(streamed_response&&) noexcept;
  ~streamed_response();

  unsigned status() const noexcept;
  const fields& headers() const noexcept;

  /// The next body bytes, as soon as any arrive (chunk boundaries are not preserved);
  /// nullopt once the body is complete. The view stays valid until the next call. No
  /// deadline applies: bound a stream with `co_await (s.next_chunk() || timer)`.
  /// Cancellation: supported; the connection is closed and the call throws
  /// boost::system::system_error(operation_aborted). Errors: SandboxConnectionError
  /// when the connection fails mid-body.
  boost::asio::awaitable<std::optional<std::string_view>> next_chunk();

  /// Reads the remaining body into one string (for error responses and short bodies).
  /// Cancellation and errors as next_chunk().
  boost::asio::awaitable<std::string> read_all();

  /// Closes the connection, abandoning the rest of the body.
  void close() noexcept;

  struct impl;
  explicit streamed_response(std::unique_ptr<impl> p) noexcept;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace sbx::http
