// Aligned plain-text tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sbx::cli {

/// Display width of UTF-8 text in terminal columns, counting one per code point
/// (right for the symbols sbx prints, such as ✓ and –).
std::size_t display_width(std::string_view text);

/// Lays `rows` out in left-aligned columns separated by two spaces, one line per row.
/// Trailing spaces are trimmed.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace sbx::cli
