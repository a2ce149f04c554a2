#include "fakes/common/fake_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>

#include <exception>
#include <optional>

namespace sbx_fake {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

bool is_control_path(std::string_view path) { return path.substr(0, 7) == "/_fake/"; }

std::string error_body(unsigned code, std::string_view message) {
  return "{\"code\":" + std::to_string(code) + ",\"message\":\"" + std::string(message) + "\"}";
}

}  // namespace

fake_server::fake_server(asio::any_io_executor executor, server_options options)
    : options_(std::move(options)), acceptor_(executor) {
  const tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

std::string fake_server::url() const { return "http://" + options_.host + ":" + std::to_string(port_); }

void fake_server::start() { asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached); }

void fake_server::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

awaitable<void> fake_server::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(as_tuple_awaitable);
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {  // e.g. EMFILE: keep serving the open connections, try again shortly
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(10));
      co_await pause.async_wait(as_tuple_awaitable);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(acceptor_.get_executor(), session(std::move(socket)), asio::detached);
  }
}

awaitable<void> fake_server::session(tcp::socket socket) {
  boost::beast::tcp_stream stream(std::move(socket));
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(options_.max_body);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, as_tuple_awaitable);
    if (ec) co_return;
    request_message request = parser.release();
    exchange ex(stream, request);
    if (!co_await serve(ex)) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

awaitable<bool> fake_server::serve(exchange& ex) {
  if (!is_control_path(ex.path())) {
    ++requests_;
    if (faults_.affects(ex.path())) {
      if (faults_.config().latency.count() > 0) {
        asio::steady_timer delay(acceptor_.get_executor(), faults_.config().latency);
        co_await delay.async_wait(asio::use_awaitable);
      }
      if (const auto kind = faults_.decide(); kind != fault_kind::none) co_return co_await inject(ex, kind);
    }
  }
  try {
    co_await dispatch(ex);
  } catch (const boost::system::system_error&) {
    co_return false;  // the peer went away mid-response
  }
  co_return !ex.close_connection();
}

awaitable<bool> fake_server::inject(exchange& ex, fault_kind kind) {
  switch (kind) {
    case fault_kind::rate_limited:
      if (rate_limit_marker_)
        rate_limit_marker_(ex, faults_.config().retry_after);
      else if (!faults_.config().retry_after.empty())
        ex.add_response_header("Retry-After", faults_.config().retry_after);
      co_await ex.respond(429, error_body(429, "Rate limit exceeded (injected fault)"));
      co_return true;
    case fault_kind::server_error: {
      const unsigned status = faults_.config().status_5xx;
      co_await ex.respond(status, error_body(status, "Service unavailable (injected fault)"));
      co_return true;
    }
    case fault_kind::reset:
      ex.reset_connection();
      co_return false;
    case fault_kind::drop:
      ex.drop_response();
      try {
        co_await dispatch(ex);
      } catch (const boost::system::system_error&) {
      }
      ex.reset_connection();
      co_return false;
    case fault_kind::hang:
      co_await ex.hang();
      co_return false;
    case fault_kind::none:
      break;
  }
  co_return true;
}

awaitable<void> fake_server::dispatch(exchange& ex) {
  bool method_mismatch = false;
  auto found = routes_.match(ex.method(), ex.path(), &method_mismatch);
  if (!found) {
    const unsigned status = method_mismatch ? 405 : 404;
    co_await ex.respond(status, error_body(status, method_mismatch ? "method not allowed" : "no such route"));
    co_return;
  }
  ex.set_params(std::move(found->params));
  std::optional<http_error> failure;
  try {
    co_await (*found->h)(ex);
  } catch (const http_error& e) {
    failure = e;
  } catch (const boost::system::system_error&) {
    throw;
  } catch (const std::exception&) {
    failure = http_error(500, error_body(500, "fake handler failed"));
  }
  if (failure && !ex.responded()) co_await ex.respond(failure->status, failure->body, failure->content_type);
}

}  // namespace sbx_fake
