// URL parsing, header fields and redaction (pure functions).
#include "http/endpoint.hpp"

#include <catch2/catch.hpp>

#include "http/fields.hpp"
#include "http/message.hpp"
#include "http/redact.hpp"
#include "sbx/errors.hpp"

namespace sh = sbx::http;

TEST_CASE("http endpoint: https URL with default port", "[http][endpoint]") {
  auto ep = sh::parse_endpoint("https://api.e2b.dev");
  CHECK(ep.kind == sh::transport::tls);
  CHECK(ep.host == "api.e2b.dev");
  CHECK(ep.port == 443);
  CHECK(ep.host_header == "api.e2b.dev");
  CHECK(ep.base_path.empty());
  CHECK(ep.origin() == "https://api.e2b.dev:443");
}

TEST_CASE("http endpoint: explicit port and base path", "[http][endpoint]") {
  auto ep = sh::parse_endpoint("http://127.0.0.1:8080/api/v1/");
  CHECK(ep.kind == sh::transport::tcp);
  CHECK(ep.host == "127.0.0.1");
  CHECK(ep.port == 8080);
  CHECK(ep.host_header == "127.0.0.1:8080");
  CHECK(ep.base_path == "/api/v1");
  CHECK(sh::parse_endpoint("HTTP://Example.com:80").host_header == "Example.com");
}

TEST_CASE("http endpoint: IPv6 literal", "[http][endpoint]") {
  auto ep = sh::parse_endpoint("http://[::1]:9000");
  CHECK(ep.host == "::1");
  CHECK(ep.host_header == "[::1]:9000");
  CHECK(ep.origin() == "http://[::1]:9000");
}

TEST_CASE("http endpoint: unix socket with a Host header value", "[http][endpoint]") {
  auto ep = sh::parse_endpoint("unix:///var/run/docker.sock");
  CHECK(ep.kind == sh::transport::unix_socket);
  CHECK(ep.socket_path == "/var/run/docker.sock");
  CHECK(ep.host_header == "localhost");
  CHECK(ep.origin() == "unix:///var/run/docker.sock");
  CHECK(sh::parse_endpoint("unix:///run/d.sock", "api.moby.localhost").host_header == "api.moby.localhost");
}

TEST_CASE("http endpoint: user info is dropped and never echoed", "[http][endpoint]") {
  auto ep = sh::parse_endpoint("https://user:hunter2@api.example.com/base");
  CHECK(ep.host == "api.example.com");
  CHECK(ep.origin().find("hunter2") == std::string::npos);
  CHECK(ep.host_header.find("hunter2") == std::string::npos);
  try {
    sh::parse_endpoint("ftp://user:hunter2@example.com/?token=hunter2");
    FAIL("expected SandboxConfigurationError");
  } catch (const sbx::SandboxConfigurationError& e) {
    CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
  }
}

TEST_CASE("http endpoint: malformed URLs are configuration errors", "[http][endpoint]") {
  for (const char* bad : {"", "api.e2b.dev", "ftp://x", "unix:relative.sock", "http://", "http://h:0", "http://h:99999"}) {
    INFO(bad);
    CHECK_THROWS_AS(sh::parse_endpoint(bad), sbx::SandboxConfigurationError);
  }
}

TEST_CASE("http fields: case-insensitive, replace, append, erase", "[http][fields]") {
  sh::fields f;
  f.set("Content-Type", "text/plain");
  CHECK(f.get("content-type") == "text/plain");
  f.set("CONTENT-TYPE", "application/json");
  CHECK(f.size() == 1);
  CHECK(f.get("Content-Type") == "application/json");
  f.add("Accept", "a");
  f.add("accept", "b");
  CHECK(f.size() == 3);
  CHECK(f.get("Accept") == "a");
  f.erase("ACCEPT");
  CHECK(f.size() == 1);
  CHECK_FALSE(f.contains("accept"));
}

TEST_CASE("http fields: sensitive values are redacted", "[http][fields][redact]") {
  sh::fields f;
  f.set_sensitive("X-Daytona-Token", "tok-123");
  f.set("Authorization", "Bearer abc");
  f.set("Accept", "application/json");
  CHECK(f.is_sensitive("x-daytona-token"));
  CHECK(f.is_sensitive("authorization"));  // well-known credential header
  CHECK(f.is_sensitive("X-API-Key"));
  CHECK_FALSE(f.is_sensitive("Accept"));
  const std::string shown = f.redacted();
  CHECK(shown.find("tok-123") == std::string::npos);
  CHECK(shown.find("abc") == std::string::npos);
  CHECK(shown.find("X-Daytona-Token: <redacted>") != std::string::npos);
  CHECK(shown.find("Accept: application/json") != std::string::npos);
}

TEST_CASE("http redact: query values are hidden, paths kept", "[http][redact]") {
  CHECK(sh::redact_target("/sandboxes") == "/sandboxes");
  CHECK(sh::redact_target("/files?path=/a&token=x") == "/files?path=***&token=***");
  CHECK(sh::redact_target("/x?secret") == "/x?***");
  CHECK(sh::redact_target("/x?a=1&&b") == "/x?a=***&&***");
  CHECK(sh::redact_target("/x?") == "/x?");
  CHECK(sh::redact_target("/x#frag?token=1") == "/x");
}

TEST_CASE("http redact: describe shows method, origin and redacted target only", "[http][redact]") {
  sh::request r;
  r.method = sh::verb::post;
  r.target = "/sandbox?api_key=SECRET";
  r.headers.set_sensitive("Authorization", "Bearer SECRET");
  r.body = R"({"password":"SECRET"})";
  const auto text = sh::describe(r, sh::parse_endpoint("https://app.daytona.io/api"));
  CHECK(text == "POST https://app.daytona.io:443/api/sandbox?api_key=***");
  CHECK(sh::describe(sh::request{}, sh::parse_endpoint("unix:///var/run/docker.sock")) ==
        "GET unix:///var/run/docker.sock:/");
}

TEST_CASE("http message: idempotency follows the method unless set", "[http][message]") {
  sh::request r;
  CHECK(sh::is_idempotent(r));
  for (auto v : {sh::verb::head, sh::verb::put, sh::verb::delete_}) {
    r.method = v;
    CHECK(sh::is_idempotent(r));
  }
  for (auto v : {sh::verb::post, sh::verb::patch}) {
    r.method = v;
    CHECK_FALSE(sh::is_idempotent(r));
  }
  r.idempotent = true;
  CHECK(sh::is_idempotent(r));
  r.method = sh::verb::get;
  r.idempotent = false;
  CHECK_FALSE(sh::is_idempotent(r));
}
