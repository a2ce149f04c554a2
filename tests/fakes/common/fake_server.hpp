// The HTTP/1.1 server every fake runs on: keep-alive connections on a loopback port,
// requests routed to handlers, fault injection in front of every route except the
// fake's own control API under /_fake/.
#pragma once

#include "fakes/common/faults.hpp"
#include "fakes/common/router.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace sbx_fake {

/// Where and how a fake listens.
struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the system picks a free port
  std::uint64_t max_body = std::uint64_t{4} << 30;
};

/// Accepts connections and serves them until the executor stops. Single-threaded: run
/// its io_context on one thread.
class fake_server {
 public:
  /// Binds the listening socket (the port is known once this returns). Throws
  /// boost::system::system_error when the address cannot be bound.
  fake_server(boost::asio::any_io_executor executor, server_options options);

  router& routes() noexcept { return routes_; }
  /// How a provider marks an injected 429: called with the configured retry_after to
  /// add headers to the answer. Default: `Retry-After: <retry_after>` unless empty.
  using rate_limit_marker = std::function<void(exchange& ex, const std::string& retry_after)>;
  void set_rate_limit_marker(rate_limit_marker marker) { rate_limit_marker_ = std::move(marker); }
  fault_injector& faults() noexcept { return faults_; }
  const fault_injector& faults() const noexcept { return faults_; }

  std::uint16_t port() const noexcept { return port_; }
  /// "http://127.0.0.1:<port>".
  std::string url() const;
  /// Requests served outside /_fake/ (faulted ones included).
  std::uint64_t requests() const noexcept { return requests_; }

  /// Starts accepting. Connections live until the peer closes or the executor stops.
  void start();
  /// Stops accepting new connections.
  void stop();

 private:
  awaitable<void> accept_loop();
  awaitable<void> session(boost::asio::ip::tcp::socket socket);
  awaitable<bool> serve(exchange& ex);
  awaitable<bool> inject(exchange& ex, fault_kind kind);
  awaitable<void> dispatch(exchange& ex);

  server_options options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  router routes_;
  rate_limit_marker rate_limit_marker_;
  fault_injector faults_;
  std::uint64_t requests_ = 0;
};

}  // namespace sbx_fake
