#include "http/connection.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace sbx::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

/// Resolves `ep` before `deadline`; the resolver is cancelled by a timer because its
/// operations ignore per-operation cancellation.
asio::awaitable<std::tuple<error_code, tcp::resolver::results_type>> resolve(
    const endpoint& ep, std::chrono::steady_clock::time_point deadline) {
  auto ex = co_await asio::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(ex);
  auto expired = std::make_shared<bool>(false);
  asio::steady_timer timer(ex, deadline);
  timer.async_wait([resolver, expired](error_code ec) {
    if (ec) return;
    *expired = true;
    resolver->cancel();
  });
  auto [ec, results] =
      co_await resolver->async_resolve(ep.host, std::to_string(ep.port), use_tuple);
  timer.cancel();
  if (ec == asio::error::operation_aborted && *expired) ec = beast::error::timeout;
  co_return std::tuple{ec, std::move(results)};
}

}  // namespace

asio::awaitable<std::tuple<error_code, std::unique_ptr<connection>>> connection::open(
    const endpoint& ep, asio::ssl::context* tls, std::chrono::milliseconds timeout) {
  auto ex = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_ptr<connection> conn;

  if (ep.kind == transport::unix_socket) {
    conn = std::make_unique<connection>(unix_stream(ex));
    auto& s = std::get<unix_stream>(conn->stream_);
    s.expires_at(deadline);
    auto [ec] = co_await s.async_connect(asio::local::stream_protocol::endpoint(ep.socket_path), use_tuple);
    s.expires_never();
    if (ec) co_return std::tuple{ec, nullptr};
    co_return std::tuple{ec, std::move(conn)};
  }

  auto [rec, results] = co_await resolve(ep, deadline);
  if (rec) co_return std::tuple{rec, nullptr};

  if (ep.kind == transport::tcp) {
    conn = std::make_unique<connection>(tcp_stream(ex));
  } else {
    conn = std::make_unique<connection>(tls_stream(tcp_stream(ex), *tls));
  }
  tcp_stream& lowest = ep.kind == transport::tcp
                            ? std::get<tcp_stream>(conn->stream_)
                            : beast::get_lowest_layer(std::get<tls_stream>(conn->stream_));
  lowest.expires_at(deadline);
  auto [cec, connected] = co_await lowest.async_connect(results, use_tuple);
  if (cec) co_return std::tuple{cec, nullptr};
  error_code ignored;
  lowest.socket().set_option(tcp::no_delay(true), ignored);

  if (ep.kind == transport::tls) {
    auto& s = std::get<tls_stream>(conn->stream_);
    if (!is_ip_literal(ep.host) && !SSL_set_tlsext_host_name(s.native_handle(), ep.host.c_str()))
      co_return std::tuple{error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()),
                           nullptr};
    if (SSL_CTX_get_verify_mode(tls->native_handle()) != SSL_VERIFY_NONE)
      s.set_verify_callback(asio::ssl::host_name_verification(ep.host));
    auto [hec] = co_await s.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec) co_return std::tuple{hec, nullptr};
  }
  lowest.expires_never();
  co_return std::tuple{error_code{}, std::move(conn)};
}

void connection::expires_at(std::chrono::steady_clock::time_point deadline) {
  visit([&](auto& s) { beast::get_lowest_layer(s).expires_at(deadline); });
}

void connection::expires_never() {
  visit([](auto& s) { beast::get_lowest_layer(s).expires_never(); });
}

bool connection::idle_usable() {
  const int fd = visit([](auto& s) { return beast::get_lowest_layer(s).socket().native_handle(); });
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

asio::awaitable<io_result> connection::write(beast_http::request<beast_http::string_body>& msg) {
  co_return co_await visit([&](auto& s) { return beast_http::async_write(s, msg, use_tuple); });
}

asio::awaitable<io_result> connection::read(beast_http::response_parser<beast_http::string_body>& p) {
  co_return co_await visit([&](auto& s) { return beast_http::async_read(s, buffer, p, use_tuple); });
}

asio::awaitable<io_result> connection::read_header(
    beast_http::response_parser<beast_http::string_body>& p) {
  co_return co_await visit([&](auto& s) { return beast_http::async_read_header(s, buffer, p, use_tuple); });
}

asio::awaitable<io_result> connection::read_header(
    beast_http::response_parser<beast_http::buffer_body>& p) {
  co_return co_await visit([&](auto& s) { return beast_http::async_read_header(s, buffer, p, use_tuple); });
}

asio::awaitable<io_result> connection::read_some(
    beast_http::response_parser<beast_http::buffer_body>& p) {
  auto [ec, n] =
      co_await visit([&](auto& s) { return beast_http::async_read_some(s, buffer, p, use_tuple); });
  if (ec == beast_http::error::need_buffer) ec = {};
  co_return io_result{ec, n};
}

asio::awaitable<io_result> connection::read_raw(asio::mutable_buffer buf) {
  co_return co_await visit([&](auto& s) { return s.async_read_some(buf, use_tuple); });
}

asio::awaitable<io_result> connection::write_raw(asio::const_buffer buf) {
  co_return co_await visit([&](auto& s) { return asio::async_write(s, buf, use_tuple); });
}

error_code connection::shutdown_send() {
  error_code ec;
  visit([&](auto& s) {
    if constexpr (std::is_same_v<std::decay_t<decltype(s)>, tls_stream>) {
      ec = asio::error::operation_not_supported;
    } else {
      s.socket().shutdown(asio::socket_base::shutdown_send, ec);
    }
  });
  return ec;
}

void connection::close() noexcept {
  visit([](auto& s) {
    error_code ignored;
    beast::get_lowest_layer(s).socket().close(ignored);
  });
}

}  // namespace sbx::http
