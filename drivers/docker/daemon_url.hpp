// Where the Docker daemon listens: driver option, DOCKER_HOST, or the default socket.
#pragma once

#include <optional>
#include <string>

namespace sbx::drivers::docker {

/// The default daemon address on Linux.
inline constexpr const char* default_daemon_url = "unix:///var/run/docker.sock";

/// The inputs of daemon_url, read from the driver options and the environment.
struct daemon_location {
  std::optional<std::string> option_host;  // driver_options "host"
  std::optional<std::string> env_host;     // $DOCKER_HOST
  bool env_tls_verify = false;             // $DOCKER_TLS_VERIFY set to a non-empty value
};

/// The base URL for the HTTP client: the option, else DOCKER_HOST, else the default
/// socket (empty values count as unset). "unix:///path" is kept, "tcp://h:p" becomes
/// "http://h:p" (port 2375 when missing), "http://" and "https://" are kept. Throws
/// SandboxConfigurationError for other schemes (ssh://, npipe://) and for a TCP daemon
/// with DOCKER_TLS_VERIFY: the HTTP transport has no TLS client certificates.
std::string daemon_url(const daemon_location& where);

/// daemon_location from `option_host` and the process environment.
daemon_location daemon_location_from_env(std::optional<std::string> option_host);

}  // namespace sbx::drivers::docker
