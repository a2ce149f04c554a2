// Internal logging entry point (see include/sbx/log.hpp).
#pragma once

#include "sbx/log.hpp"

#include <string>

namespace sbx::detail {

/// True when a message at `level` would be delivered (cheap; check before formatting).
bool log_enabled(log_level level) noexcept;
/// Delivers `message` to the installed handler when `level` is enabled.
void log(log_level level, std::string_view message);

}  // namespace sbx::detail
