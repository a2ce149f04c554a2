#include "http/endpoint.hpp"

#include <algorithm>
#include <cctype>

#include <boost/url/parse.hpp>

#include "sbx/errors.hpp"

namespace sbx::http {
namespace {

[[noreturn]] void fail(std::string_view why) {
  throw SandboxConfigurationError("invalid endpoint URL: " + std::string(why));
}

std::string host_of(const boost::urls::url_view& u) {
  switch (u.host_type()) {
    case boost::urls::host_type::ipv6: return u.host_ipv6_address().to_string();
    case boost::urls::host_type::ipv4: return u.host_ipv4_address().to_string();
    default: return u.host_address();
  }
}

}  // namespace

std::string endpoint::origin() const {
  switch (kind) {
    case transport::unix_socket: return "unix://" + socket_path;
    case transport::tls: break;
    case transport::tcp: break;
  }
  std::string out = kind == transport::tls ? "https://" : "http://";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return out + ":" + std::to_string(port);
}

endpoint parse_endpoint(std::string_view url, std::string_view unix_host) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) fail("not an absolute URL");
  const boost::urls::url_view& u = *parsed;
  endpoint ep;
  std::string scheme = u.scheme();
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  if (scheme == "unix") {
    ep.kind = transport::unix_socket;
    ep.socket_path = std::string(u.path());
    if (ep.socket_path.empty() || ep.socket_path.front() != '/')
      fail("unix URL needs an absolute socket path (unix:///path/to.sock)");
    ep.host_header = std::string(unix_host);
    return ep;
  }
  if (scheme == "https") {
    ep.kind = transport::tls;
  } else if (scheme != "http") {
    fail("unsupported scheme (use http, https or unix)");
  }
  ep.host = host_of(u);
  if (ep.host.empty()) fail("missing host");
  const std::uint16_t default_port = ep.kind == transport::tls ? 443 : 80;
  if (u.has_port()) {
    const std::string_view digits = u.port();
    unsigned long port = 0;
    for (char c : digits) port = std::min(port * 10 + static_cast<unsigned long>(c - '0'), 65536ul);
    if (digits.empty() || port == 0 || port > 65535) fail("invalid port");
    ep.port = static_cast<std::uint16_t>(port);
  } else {
    ep.port = default_port;
  }
  ep.host_header = u.host_type() == boost::urls::host_type::ipv6 ? "[" + ep.host + "]" : ep.host;
  if (ep.port != default_port) ep.host_header += ":" + std::to_string(ep.port);
  ep.base_path = std::string(u.encoded_path());
  while (!ep.base_path.empty() && ep.base_path.back() == '/') ep.base_path.pop_back();
  return ep;
}

}  // namespace sbx::http
