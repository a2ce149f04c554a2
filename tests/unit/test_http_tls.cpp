// TLS against a loopback server whose self-signed certificate is made at test time.
#include "http/client.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "sbx/errors.hpp"
#include "test_http_loopback.hpp"

using namespace sbx_http_test;
namespace sh = sbx::http;

namespace {

struct test_certificate {
  std::string cert_pem;
  std::string key_pem;
};

std::string to_pem(auto write) {
  BIO* bio = BIO_new(BIO_s_mem());
  write(bio);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

/// A self-signed P-256 certificate (its own CA) for the subject alternative name `san`.
test_certificate make_certificate(const char* san) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("sbx test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  const std::pair<int, const char*> extensions[] = {
      {NID_basic_constraints, "critical,CA:TRUE"},
      {NID_key_usage, "critical,digitalSignature,keyCertSign"},
      {NID_subject_alt_name, san}};
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  test_certificate out{to_pem([&](BIO* b) { PEM_write_bio_X509(b, x); }),
                       to_pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); })};
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

std::shared_ptr<asio::ssl::context> server_context(const test_certificate& c) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->use_certificate_chain(asio::buffer(c.cert_pem));
  ctx->use_private_key(asio::buffer(c.key_pem), asio::ssl::context::pem);
  return ctx;
}

/// Writes `pem` to a temp file removed on destruction.
struct temp_ca_file {
  explicit temp_ca_file(const std::string& pem)
      : path((std::filesystem::temp_directory_path() / ("sbx-http-ca-" + std::to_string(::getpid()) + ".pem")).string()) {
    std::ofstream(path) << pem;
  }
  ~temp_ca_file() { std::filesystem::remove(path); }
  std::string path;
};

sh::client_options tls_options(std::string ca_file, bool verify = true) {
  sh::client_options o;
  o.backend = "tls-test";
  o.retry.base_delay = std::chrono::milliseconds(5);
  o.tls.ca_file = std::move(ca_file);
  o.tls.verify_peer = verify;
  return o;
}

sh::request get_with_key() {
  sh::request r;
  r.target = "/secure";
  r.headers.set_sensitive("X-API-Key", "sk-TLS-SECRET");
  return r;
}

handler respond_secure() {
  return [](exchange& ex) -> asio::awaitable<void> { co_await ex.respond(200, "secure"); };
}

}  // namespace

TEST_CASE("http tls: verified connection with an added CA, SNI and keep-alive", "[http][tls]") {
  const auto cert = make_certificate("DNS:localhost");
  temp_ca_file ca(cert.cert_pem);
  asio::io_context ctx;
  auto server = loopback_server::tls(ctx, server_context(cert), respond_secure());
  sh::client c(sh::make_connection_pool(), "https://localhost:" + std::to_string(server.port),
               tls_options(ca.path));
  std::vector<std::string> bodies;
  run(ctx, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      auto r = co_await c.send(get_with_key());
      bodies.push_back(r.body);
    }
  }());
  CHECK(bodies == std::vector<std::string>{"secure", "secure", "secure"});
  CHECK(server.stats().accepted == 1);
  CHECK(server.stats().last_sni == "localhost");
}

TEST_CASE("http tls: an unknown CA fails verification without retries", "[http][tls]") {
  const auto cert = make_certificate("DNS:localhost");
  asio::io_context ctx;
  auto server = loopback_server::tls(ctx, server_context(cert), respond_secure());
  sh::client c(sh::make_connection_pool(), "https://localhost:" + std::to_string(server.port), tls_options(""));
  try {
    run(ctx, c.send(get_with_key()));
    FAIL("expected SandboxConnectionError");
  } catch (const sbx::SandboxConnectionError& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(!e.retryable());
    CHECK(e.context().at("attempts") == "1");
    CHECK(what.find("certificate verify failed") != std::string::npos);
    CHECK(what.find("TLS-SECRET") == std::string::npos);
  }
  CHECK(server.stats().requests == 0);
}

TEST_CASE("http tls: a host name mismatch fails", "[http][tls]") {
  const auto cert = make_certificate("DNS:localhost");
  temp_ca_file ca(cert.cert_pem);
  asio::io_context ctx;
  auto server = loopback_server::tls(ctx, server_context(cert), respond_secure());
  // Trusted CA, but the certificate names "localhost", not 127.0.0.1.
  sh::client c(sh::make_connection_pool(), server.url, tls_options(ca.path));
  CHECK_THROWS_AS(run(ctx, c.send(get_with_key())), sbx::SandboxConnectionError);
  CHECK(server.stats().requests == 0);
}

TEST_CASE("http tls: an IP address in the certificate matches an IP endpoint", "[http][tls]") {
  const auto cert = make_certificate("IP:127.0.0.1");
  temp_ca_file ca(cert.cert_pem);
  asio::io_context ctx;
  auto server = loopback_server::tls(ctx, server_context(cert), respond_secure());
  sh::client c(sh::make_connection_pool(), server.url, tls_options(ca.path));
  auto r = run(ctx, c.send(get_with_key()));
  CHECK(r.body == "secure");
  CHECK(server.stats().last_sni.empty());  // no SNI for IP literals
}

TEST_CASE("http tls: verification can be turned off explicitly (tests only)", "[http][tls]") {
  const auto cert = make_certificate("DNS:elsewhere.invalid");
  asio::io_context ctx;
  auto server = loopback_server::tls(ctx, server_context(cert), respond_secure());
  sh::client c(sh::make_connection_pool(), server.url, tls_options("", false));
  auto r = run(ctx, c.send(get_with_key()));
  CHECK(r.body == "secure");
}

TEST_CASE("http tls: an unreadable CA file is a configuration error", "[http][tls]") {
  CHECK_THROWS_AS(sh::client(sh::make_connection_pool(), "https://localhost:1",
                             tls_options("/nonexistent/ca.pem")),
                  sbx::SandboxConfigurationError);
}
