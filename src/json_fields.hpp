// Typed reads of JSON objects with errors that name the offending key.
#pragma once

#include "sbx/types.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::detail {

/// Reads fields of `object`; every type mismatch or missing required key throws
/// SandboxConfigurationError("<what>: key '<k>' ...").
struct json_reader {
  const boost::json::object& object;
  std::string_view what;  // e.g. "session state", used in error messages

  std::string required_string(std::string_view key) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  std::string string_or(std::string_view key, std::string_view fallback) const;
  double number_or(std::string_view key, double fallback) const;
  std::optional<double> optional_number(std::string_view key) const;
  bool bool_or(std::string_view key, bool fallback) const;
  std::vector<std::string> string_list(std::string_view key) const;
  env_map string_map(std::string_view key) const;
  const boost::json::object& required_object(std::string_view key) const;
};

}  // namespace sbx::detail
