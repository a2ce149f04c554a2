// Where requests go: a base URL parsed once into connection facts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sbx::http {

/// How connections to an endpoint are made.
enum class transport { tcp, tls, unix_socket };

/// A provider base URL: "https://api.e2b.dev", "http://127.0.0.1:8080/api",
/// "unix:///var/run/docker.sock". User info in a URL is dropped, never stored.
struct endpoint {
  transport kind = transport::tcp;
  /// DNS name or IP literal without brackets; empty for unix sockets.
  std::string host;
  std::uint16_t port = 0;
  /// Unix sockets only.
  std::string socket_path;
  /// Value of the Host header: "api.e2b.dev", "127.0.0.1:8080", "[::1]:8080", "localhost".
  std::string host_header;
  /// Prefix of every request target, no trailing '/': "" or "/api".
  std::string base_path;

  /// "https://api.e2b.dev:443" or "unix:///var/run/docker.sock": identifies the
  /// connection target (pool key, error messages); holds no credentials.
  std::string origin() const;
};

/// Parses a base URL (schemes http, https, unix). For unix sockets `unix_host` becomes
/// the Host header. Throws sbx::SandboxConfigurationError on a malformed URL or an
/// unsupported scheme; the message never repeats the URL's user info or query.
endpoint parse_endpoint(std::string_view url, std::string_view unix_host = "localhost");

}  // namespace sbx::http
