#include "cloud/raw_chain.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <exception>
#include <optional>

namespace sbx_bench {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct chain_state {
  const raw_protocol& protocol;
  std::string host;
  tcp::resolver::results_type endpoints;
  std::size_t total;
  std::size_t next = 0;
  raw_result result;
};

// One exchange on `socket` (reconnecting when the server closed it). The body of the
// answer, or nothing when the transport failed or the status is an error.
asio::awaitable<std::optional<std::string>> exchange(chain_state& state, tcp::socket& socket,
                                                      boost::beast::flat_buffer& buffer, const raw_request& r) {
  http::request<http::string_body> request{r.method, r.target, 11};
  request.set(http::field::host, state.host);
  for (const auto& [name, value] : r.headers) request.set(name, value);
  request.body() = r.body;
  request.prepare_payload();
  ++state.result.requests;
  try {
    if (!socket.is_open()) co_await asio::async_connect(socket, state.endpoints, asio::use_awaitable);
    co_await http::async_write(socket, request, asio::use_awaitable);
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    co_await http::async_read(socket, buffer, parser, asio::use_awaitable);
    if (!parser.keep_alive()) socket.close();
    if (parser.get().result_int() >= 400) co_return std::nullopt;
    co_return std::move(parser.get().body());
  } catch (const boost::system::system_error&) {
    boost::system::error_code ignored;
    socket.close(ignored);
    buffer.clear();
    co_return std::nullopt;
  }
}

// One connection's share: sandboxes taken one at a time until none are left.
asio::awaitable<void> connection_worker(chain_state& state) {
  tcp::socket socket(co_await asio::this_coro::executor);
  boost::beast::flat_buffer buffer;
  while (state.next < state.total) {
    ++state.next;
    auto answer = co_await exchange(state, socket, buffer, state.protocol.create);
    bool ok = answer.has_value();
    if (ok) {
      for (const auto& request : state.protocol.after_create(*answer))
        ok = (co_await exchange(state, socket, buffer, request)).has_value() && ok;
    }
    if (!ok) ++state.result.failed_sandboxes;
  }
}

}  // namespace

raw_result run_raw_chains(const std::string& host, unsigned short port, const raw_protocol& protocol,
                          std::size_t sandboxes, std::size_t connections) {
  asio::io_context io;
  chain_state state{.protocol = protocol, .host = host + ":" + std::to_string(port),
                    .endpoints = tcp::resolver(io).resolve(host, std::to_string(port)), .total = sandboxes};
  const auto started = std::chrono::steady_clock::now();
  std::exception_ptr error;
  for (std::size_t i = 0; i < std::min(connections, sandboxes); ++i)
    asio::co_spawn(io, connection_worker(state), [&error](std::exception_ptr e) {
      if (e && !error) error = e;
    });
  io.run();
  if (error) std::rethrow_exception(error);
  state.result.wall = std::chrono::steady_clock::now() - started;
  return state.result;
}

}  // namespace sbx_bench
