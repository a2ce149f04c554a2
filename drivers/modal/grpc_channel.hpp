// gRPC channels to Modal: TLS with the system's CA store for https:// URLs, plaintext
// for http:// (loopback fakes), and the channel settings of Modal's own SDKs.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

namespace sbx::drivers::modal {

/// Largest message sent or received (Modal's SDKs use 100 MiB; grpc++ defaults to 4 MiB).
inline constexpr int max_message_bytes = 100 * 1024 * 1024;

/// Where a URL points a channel.
struct channel_target {
  std::string authority;  // "host:port" (port 443/80 added when the URL has none)
  bool tls = true;        // https:// (and URLs without a scheme)
};

/// Splits "https://host[:port]" or "http://host[:port]" (a trailing path is ignored).
/// Throws SandboxConfigurationError for an unknown scheme or an empty host.
channel_target parse_channel_url(const std::string& url);

/// A channel to `url` with the message limits above, keepalive pings every 30 s (10 s
/// timeout, also without calls), and for TLS the roots of /etc/ssl/certs (Debian's
/// grpc bundle is older). Connecting is lazy: errors surface on the first call.
std::shared_ptr<grpc::Channel> make_channel(const std::string& url);

}  // namespace sbx::drivers::modal
