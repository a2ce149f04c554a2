// One transport connection (TCP, TLS or unix socket) with Beast timeouts. Internal to
// src/http: only .cpp files include this header.
#pragma once

#include <chrono>
#include <memory>
#include <tuple>
#include <variant>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "http/endpoint.hpp"

namespace sbx::http {

using error_code = boost::system::error_code;
using io_result = std::tuple<error_code, std::size_t>;
namespace beast_http = boost::beast::http;

/// A connected stream plus the bytes read past the last message. Operations complete
/// with error codes (never throw); a timeout completes with beast::error::timeout and
/// leaves the connection unusable. Per-operation cancellation is supported.
class connection {
 public:
  using tcp_stream = boost::beast::tcp_stream;
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  using unix_stream = boost::beast::basic_stream<boost::asio::local::stream_protocol>;

  /// Resolves, connects and (for https) handshakes with `ep` within `timeout`.
  /// `tls` must be set for https endpoints.
  static boost::asio::awaitable<std::tuple<error_code, std::unique_ptr<connection>>> open(
      const endpoint& ep, boost::asio::ssl::context* tls, std::chrono::milliseconds timeout);

  /// Deadline for every operation until changed.
  void expires_at(std::chrono::steady_clock::time_point deadline);
  void expires_never();

  /// For an idle keep-alive connection: false when the peer closed it or sent
  /// unsolicited bytes (so a request written now would likely be lost).
  bool idle_usable();

  boost::asio::awaitable<io_result> write(beast_http::request<beast_http::string_body>& msg);
  boost::asio::awaitable<io_result> read(beast_http::response_parser<beast_http::string_body>& p);
  boost::asio::awaitable<io_result> read_header(beast_http::response_parser<beast_http::string_body>& p);
  boost::asio::awaitable<io_result> read_header(beast_http::response_parser<beast_http::buffer_body>& p);
  /// Reads body bytes into the parser's buffer_body; need_buffer is reported as success.
  boost::asio::awaitable<io_result> read_some(beast_http::response_parser<beast_http::buffer_body>& p);
  /// Raw byte I/O after a protocol upgrade.
  boost::asio::awaitable<io_result> read_raw(boost::asio::mutable_buffer buf);
  boost::asio::awaitable<io_result> write_raw(boost::asio::const_buffer buf);
  /// Half-closes the sending direction of a plain (non-TLS) socket.
  error_code shutdown_send();
  bool is_tls() const noexcept { return std::holds_alternative<tls_stream>(stream_); }
  /// Closes the socket; pending operations complete with operation_aborted.
  void close() noexcept;

  /// Bytes received beyond the last parsed message.
  boost::beast::flat_buffer buffer;

  template <class Stream>
  explicit connection(Stream&& s) : stream_(std::forward<Stream>(s)) {}

 private:
  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(std::forward<F>(f), stream_);
  }
  std::variant<tcp_stream, tls_stream, unix_stream> stream_;
};

}  // namespace sbx::http
