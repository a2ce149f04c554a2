// TLS settings of a client.
#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace sbx::http {

/// How https endpoints are authenticated. By default the server's certificate chain is
/// verified against the system CA store and its name must match the endpoint host;
/// SNI is always sent for DNS names.
struct tls_options {
  /// Verify the certificate chain and host name. false is for tests only: it accepts
  /// any server, including an attacker's.
  bool verify_peer = true;
  /// Extra trusted CA certificates (a PEM file), e.g. a test server's self-signed one.
  std::string ca_file;

  /// A string that differs whenever two option sets need different contexts.
  std::string key() const;
};

/// A client TLS context for `options` (TLS 1.2 or later). Throws
/// sbx::SandboxConfigurationError when ca_file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const tls_options& options);

}  // namespace sbx::http
