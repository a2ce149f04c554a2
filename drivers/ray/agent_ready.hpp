// The line an agent prints to its job log once it listens (pure parsing).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sbx::drivers::ray {

/// The marker that starts the readiness line:
/// `SBX_AGENT_READY {"host": "...", "port": n, "workdir": "...", "scratch": "..."}`.
inline constexpr std::string_view ready_marker = "SBX_AGENT_READY ";

/// Where an agent listens and where its sandbox lives on the node.
struct agent_address {
  std::string host;  // IP literal of the node
  std::uint16_t port = 0;
  std::string workdir;  // absolute node path of the sandbox's working directory
  std::string scratch;  // absolute node path for the library's temporary files

  /// "http://<host>:<port>" (IPv6 hosts in brackets).
  std::string url() const;
  friend bool operator==(const agent_address&, const agent_address&) = default;
};

/// The address in the first line of `logs` that starts with ready_marker; nullopt when
/// there is none yet. Lines written before it (Ray's own) are skipped. Throws
/// SandboxCreationError when that line is not the expected JSON (missing field, port
/// out of range, relative paths).
std::optional<agent_address> parse_ready_line(std::string_view logs);

}  // namespace sbx::drivers::ray
