// Secret-free descriptions of requests for errors and logs.
#pragma once

#include <string>
#include <string_view>

#include "http/endpoint.hpp"
#include "http/message.hpp"

namespace sbx::http {

/// `target` with every query value replaced by "***" and any fragment dropped:
/// "/files?path=/a&token=x" -> "/files?path=***&token=***". Bare query items
/// ("?abc") become "***" as well.
std::string redact_target(std::string_view target);

/// "POST https://api.e2b.dev:443/sandboxes?***": method, origin, base path and the
/// redacted target. Never contains header values or the body.
std::string describe(const request& req, const endpoint& ep);

}  // namespace sbx::http
