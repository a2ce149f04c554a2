// In-process HTTP/1.1 servers for the transport tests (TCP, unix socket, TLS) and a
// helper that runs a coroutine to completion on a test's io_context.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace sbx_http_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

/// Runs `aw` on `ctx` until it finishes (other work on `ctx`, such as servers, runs
/// meanwhile and is left suspended) and returns its result or rethrows its exception.
template <class T>
T run(asio::io_context& ctx, asio::awaitable<T> aw) {
  std::exception_ptr error;
  std::optional<T> result;
  asio::co_spawn(ctx, std::move(aw), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) result.emplace(std::move(v));
    ctx.stop();
  });
  ctx.restart();
  ctx.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

inline void run(asio::io_context& ctx, asio::awaitable<void> aw) {
  std::exception_ptr error;
  asio::co_spawn(ctx, std::move(aw), [&](std::exception_ptr e) {
    error = e;
    ctx.stop();
  });
  ctx.restart();
  ctx.run();
  if (error) std::rethrow_exception(error);
}

inline asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

/// "HTTP/1.1 <status> X\r\n<headers>Content-Length: n\r\n\r\n<body>"; `headers` are
/// raw lines, each ending in CRLF.
inline std::string http_response(unsigned status, std::string_view body = {}, std::string_view headers = {}) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " +
                    std::string(bhttp::obsolete_reason(bhttp::int_to_status(status))) + "\r\n";
  out += headers;
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

/// One request as seen by a test handler, with raw access to its connection.
struct exchange {
  bhttp::request<bhttp::string_body> req;
  std::size_t connection_index = 0;  // 1-based order of the accepting connection
  std::function<asio::awaitable<void>(std::string)> write;
  std::function<asio::awaitable<std::size_t>(asio::mutable_buffer)> read_some;
  std::function<void()> reset;           // abortive close (RST on TCP)
  std::function<void()> shutdown_write;  // half-close
  bool close = false;                    // set by the handler: end the connection after it

  asio::awaitable<void> respond(unsigned status, std::string body = {}, std::string headers = {}) {
    co_await write(http_response(status, body, headers));
  }
};

using handler = std::function<asio::awaitable<void>(exchange&)>;

/// Counters a server keeps.
struct server_stats {
  int accepted = 0;
  int requests = 0;
  int open = 0;      // connections open now
  int max_open = 0;  // most connections open at once
  std::string last_sni;  // TLS only: server name the client sent
};

/// Serves connections on one listening socket of the test's io_context.
class loopback_server {
 public:
  /// On 127.0.0.1 with an ephemeral port.
  static loopback_server tcp(asio::io_context& ctx, handler h) {
    loopback_server s(std::move(h));
    asio::ip::tcp::acceptor acc(ctx, {asio::ip::make_address("127.0.0.1"), 0});
    s.port = acc.local_endpoint().port();
    s.url = "http://127.0.0.1:" + std::to_string(s.port);
    asio::co_spawn(ctx, accept_loop(std::move(acc), s.state_, nullptr), asio::detached);
    return s;
  }

  /// On 127.0.0.1 with TLS using `tls` (certificate and key loaded by the caller).
  static loopback_server tls(asio::io_context& ctx, std::shared_ptr<asio::ssl::context> tls, handler h) {
    loopback_server s(std::move(h));
    asio::ip::tcp::acceptor acc(ctx, {asio::ip::make_address("127.0.0.1"), 0});
    s.port = acc.local_endpoint().port();
    s.url = "https://127.0.0.1:" + std::to_string(s.port);
    asio::co_spawn(ctx, accept_loop(std::move(acc), s.state_, std::move(tls)), asio::detached);
    return s;
  }

  /// On a unix socket at `path`.
  static loopback_server unix_socket(asio::io_context& ctx, const std::string& path, handler h) {
    loopback_server s(std::move(h));
    std::filesystem::remove(path);
    asio::local::stream_protocol::acceptor acc(ctx, asio::local::stream_protocol::endpoint(path));
    s.url = "unix://" + path;
    asio::co_spawn(ctx, accept_loop(std::move(acc), s.state_, nullptr), asio::detached);
    return s;
  }

  const server_stats& stats() const { return state_->stats; }

  std::string url;
  unsigned short port = 0;

 private:
  struct state {
    handler h;
    server_stats stats;
  };

  explicit loopback_server(handler h) : state_(std::make_shared<state>()) { state_->h = std::move(h); }

  template <class Acceptor>
  static asio::awaitable<void> accept_loop(Acceptor acc, std::shared_ptr<state> st,
                                           std::shared_ptr<asio::ssl::context> tls) {
    for (;;) {
      auto [ec, sock] = co_await acc.async_accept(as_tuple_awaitable);
      if (ec) co_return;
      ++st->stats.accepted;
      const std::size_t index = static_cast<std::size_t>(st->stats.accepted);
      if constexpr (std::is_same_v<Acceptor, asio::ip::tcp::acceptor>) {
        if (tls) {
          asio::co_spawn(acc.get_executor(), tls_session(std::move(sock), st, tls, index), asio::detached);
          continue;
        }
      }
      asio::co_spawn(acc.get_executor(), session(beast::basic_stream<typename Acceptor::protocol_type>(std::move(sock)), st, index),
                     asio::detached);
    }
  }

  static asio::awaitable<void> tls_session(asio::ip::tcp::socket sock, std::shared_ptr<state> st,
                                           std::shared_ptr<asio::ssl::context> tls, std::size_t index) {
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(sock)), *tls);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, as_tuple_awaitable);
    if (ec) co_return;
    const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    st->stats.last_sni = sni ? sni : "";
    co_await session(std::move(stream), st, index);
  }

  template <class Stream>
  static asio::awaitable<void> session(Stream stream, std::shared_ptr<state> st, std::size_t index) {
    ++st->stats.open;
    st->stats.max_open = std::max(st->stats.max_open, st->stats.open);
    struct closer {
      state* s;
      ~closer() { --s->stats.open; }
    } on_exit{st.get()};
    beast::flat_buffer buffer;
    for (;;) {
      exchange ex;
      ex.connection_index = index;
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, ex.req, as_tuple_awaitable);
      if (ec) co_return;
      ++st->stats.requests;
      ex.write = [&stream](std::string bytes) -> asio::awaitable<void> {
        auto data = std::make_shared<std::string>(std::move(bytes));
        co_await asio::async_write(stream, asio::buffer(*data), as_tuple_awaitable);
      };
      ex.read_some = [&stream, &buffer](asio::mutable_buffer b) -> asio::awaitable<std::size_t> {
        if (buffer.size() > 0) {
          const std::size_t n = asio::buffer_copy(b, buffer.data());
          buffer.consume(n);
          co_return n;
        }
        auto [ec, n] = co_await stream.async_read_some(b, as_tuple_awaitable);
        co_return ec ? 0 : n;
      };
      ex.reset = [&stream] {
        auto& sock = beast::get_lowest_layer(stream).socket();
        if constexpr (std::is_same_v<std::decay_t<decltype(sock)>, asio::ip::tcp::socket>) {
          sock.set_option(asio::socket_base::linger(true, 0));
        }
        beast::error_code ignored;
        sock.close(ignored);
      };
      ex.shutdown_write = [&stream] {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(asio::socket_base::shutdown_send, ignored);
      };
      co_await st->h(ex);
      if (ex.close || !beast::get_lowest_layer(stream).socket().is_open()) co_return;
    }
  }

  std::shared_ptr<state> state_;
};

/// A unique path for a unix socket in the temp directory.
inline std::string temp_socket_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("sbx-http-" + std::to_string(::getpid()) + "-" + name + ".sock"))
      .string();
}

}  // namespace sbx_http_test
