// Library logging: off by default, routed to a handler the application sets.
#pragma once

#include <functional>
#include <string_view>

namespace sbx {

enum class log_level { debug, info, warning, error };

/// Receives every log line at or above the configured level. Must be thread-safe.
using log_handler = std::function<void(log_level, std::string_view message)>;

/// Installs `handler` for messages at or above `min_level` (empty handler: silence).
/// Without a call, the SBX_LOG environment variable (debug|info|warning|error) sends
/// lines at that level and above to stderr; unset, only errors are printed.
/// Messages never contain secrets (API keys, tokens, env values).
void set_log_handler(log_handler handler, log_level min_level = log_level::info);

}  // namespace sbx
