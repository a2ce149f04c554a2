#include "http/tls.hpp"

#include <boost/asio/ssl/context.hpp>

#include "sbx/errors.hpp"

namespace sbx::http {

std::string tls_options::key() const { return (verify_peer ? "verify|" : "noverify|") + ca_file; }

std::shared_ptr<boost::asio::ssl::context> make_tls_context(const tls_options& options) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!options.verify_peer) {
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  boost::system::error_code ec;
  ctx->set_default_verify_paths(ec);
  if (ec) throw SandboxConfigurationError("cannot load the system CA store: " + ec.message());
  if (!options.ca_file.empty()) {
    ctx->load_verify_file(options.ca_file, ec);
    if (ec)
      throw SandboxConfigurationError("cannot load CA file " + options.ca_file + ": " + ec.message());
  }
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

}  // namespace sbx::http
