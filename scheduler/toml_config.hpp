// Router configs written in TOML: the same keys as the JSON form, converted to JSON so
// one parser (RouterOptions::parse) checks them.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace sbx::scheduler {

/// `text` (TOML) as the equivalent JSON: tables become objects, arrays (and arrays of
/// tables) arrays; strings, integers, floats and booleans keep their type; dates and
/// times become ISO 8601 strings. Errors: SandboxConfigurationError naming `source` and
/// the TOML error (with its line).
boost::json::value toml_to_json(std::string_view text, const std::string& source);

}  // namespace sbx::scheduler
