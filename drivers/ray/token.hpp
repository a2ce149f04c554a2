// The per-sandbox secret that authenticates the driver to its agent.
#pragma once

#include <string>
#include <string_view>

namespace sbx::drivers::ray {

/// 256 random bits from OpenSSL's CSPRNG as 64 hex digits. Throws
/// SandboxCreationError when the generator fails.
std::string new_token();

/// Lower-case hex SHA-256 of `data`: the agent is given only the token's digest, so the
/// token never reaches Ray's job table or logs.
std::string sha256_hex(std::string_view data);

}  // namespace sbx::drivers::ray
