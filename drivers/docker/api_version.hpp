// Engine API version negotiation (pure functions): what `GET /_ping` tells us and the
// path prefix every later call uses.
#pragma once

#include "http/fields.hpp"

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace sbx::drivers::docker {

/// An Engine API version such as 1.41.
struct api_version {
  int major = 1;
  int minor = 0;
  friend auto operator<=>(const api_version&, const api_version&) = default;

  /// "1.41".
  std::string to_string() const;
  /// "/v1.41": the prefix of every versioned request target.
  std::string prefix() const;
};

/// Oldest version the driver speaks (exec WorkingDir needs 1.35; 1.40 as the Go client).
inline constexpr api_version min_api_version{1, 40};
/// Newest version the driver was written against; never sent to a daemon that
/// advertises less.
inline constexpr api_version max_api_version{1, 47};

/// Parses "1.41" (an optional leading "v" is accepted); nullopt on anything else.
std::optional<api_version> parse_api_version(std::string_view text);

/// Which implementation answers on the socket.
enum class engine_flavor { docker, podman };

/// What the driver settled on after pinging the daemon.
struct engine_facts {
  api_version version;
  engine_flavor flavor = engine_flavor::docker;
};

/// Negotiates from the `/_ping` response headers: min(daemon's Api-Version, driver max),
/// or the driver minimum when the header is missing or unreadable. Podman is recognised
/// by its Libpod-API-Version header or a "Libpod" Server header. Throws
/// BackendNotInstalledError when the daemon only speaks versions below min_api_version.
engine_facts negotiate_version(const http::fields& ping_headers);

}  // namespace sbx::drivers::docker
