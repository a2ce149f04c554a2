#include "json_fields.hpp"

#include "sbx/errors.hpp"

namespace sbx::detail {
namespace {

[[noreturn]] void bad_key(std::string_view what, std::string_view key, std::string_view problem) {
  throw SandboxConfigurationError(std::string(what) + ": key '" + std::string(key) + "' " +
                                  std::string(problem));
}

}  // namespace

std::string json_reader::required_string(std::string_view key) const {
  auto value = optional_string(key);
  if (!value) bad_key(what, key, "is missing");
  return std::move(*value);
}

std::optional<std::string> json_reader::optional_string(std::string_view key) const {
  const auto* v = object.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) bad_key(what, key, "must be a string");
  return std::string(v->get_string());
}

std::string json_reader::string_or(std::string_view key, std::string_view fallback) const {
  return optional_string(key).value_or(std::string(fallback));
}

std::optional<double> json_reader::optional_number(std::string_view key) const {
  const auto* v = object.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  bad_key(what, key, "must be a number");
}

double json_reader::number_or(std::string_view key, double fallback) const {
  return optional_number(key).value_or(fallback);
}

bool json_reader::bool_or(std::string_view key, bool fallback) const {
  const auto* v = object.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_bool()) bad_key(what, key, "must be true or false");
  return v->get_bool();
}

std::vector<std::string> json_reader::string_list(std::string_view key) const {
  std::vector<std::string> out;
  const auto* v = object.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) bad_key(what, key, "must be a list of strings");
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) bad_key(what, key, "must be a list of strings");
    out.emplace_back(item.get_string());
  }
  return out;
}

env_map json_reader::string_map(std::string_view key) const {
  env_map out;
  const auto* v = object.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_object()) bad_key(what, key, "must be an object of strings");
  for (const auto& [name, value] : v->get_object()) {
    if (!value.is_string()) bad_key(what, key, "must be an object of strings");
    out.emplace(std::string(name), std::string(value.get_string()));
  }
  return out;
}

const boost::json::object& json_reader::required_object(std::string_view key) const {
  const auto* v = object.if_contains(key);
  if (!v) bad_key(what, key, "is missing");
  if (!v->is_object()) bad_key(what, key, "must be an object");
  return v->get_object();
}

}  // namespace sbx::detail
