#include "drivers/docker/daemon_url.hpp"

#include "sbx/errors.hpp"

#include <cstdlib>
#include <string_view>

namespace sbx::drivers::docker {
namespace {

[[noreturn]] void refuse(const std::string& why) {
  throw SandboxConfigurationError("docker: " + why, {.backend = "docker", .op = "start"});
}

std::string_view scheme_of(std::string_view url) {
  const auto sep = url.find("://");
  return sep == std::string_view::npos ? std::string_view{} : url.substr(0, sep);
}

}  // namespace

std::string daemon_url(const daemon_location& where) {
  std::string url = where.option_host && !where.option_host->empty() ? *where.option_host
                    : where.env_host && !where.env_host->empty()   ? *where.env_host
                                                                    : default_daemon_url;
  const auto scheme = scheme_of(url);
  if (scheme == "unix" || scheme == "http") return url;
  if (scheme == "https" || scheme == "tcp") {
    if (where.env_tls_verify)
      refuse("DOCKER_TLS_VERIFY needs TLS client certificates, which the HTTP transport does not support");
    if (scheme == "https") return url;
    std::string rest = url.substr(6);
    const auto slash = rest.find('/');
    const auto authority = std::string_view(rest).substr(0, slash);
    const auto colon = authority.rfind(':');
    const auto bracket = authority.rfind(']');  // IPv6 literals: "[::1]:2375"
    const bool has_port = colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
    if (!has_port) rest.insert(authority.size(), ":2375");
    return "http://" + rest;
  }
  refuse("unsupported daemon address scheme '" + std::string(scheme) +
         "' (use unix:// or tcp://)");
}

daemon_location daemon_location_from_env(std::optional<std::string> option_host) {
  daemon_location where{.option_host = std::move(option_host)};
  if (const char* host = std::getenv("DOCKER_HOST")) where.env_host = host;
  if (const char* verify = std::getenv("DOCKER_TLS_VERIFY")) where.env_tls_verify = *verify != '\0';
  return where;
}

}  // namespace sbx::drivers::docker
