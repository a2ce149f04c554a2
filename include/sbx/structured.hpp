// Structured output: a JSON object in a command's stdout, converted to a C++ type.
//
// Types convert through Boost.JSON: described structs (BOOST_DESCRIBE_STRUCT) get
// per-field checks with errors naming the field; any other type uses its
// tag_invoke(value_to_tag<T>, ...) conversion.
#pragma once

#include "sbx/errors.hpp"
#include "sbx/types.hpp"

#include <boost/describe/members.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value_to.hpp>
#include <boost/mp11/algorithm.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace sbx {

/// The JSON objects `text` offers, in the original's order of preference: the whole
/// (trimmed) text; else the first ``` fenced block (optionally ```json); else every
/// top-level balanced {...} span, in order. Linear in the size of `text`.
std::vector<boost::json::object> json_object_candidates(std::string_view text);

namespace detail {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};

[[noreturn]] void throw_missing_field(std::string_view type, std::string_view field);
[[noreturn]] void throw_bad_field(std::string_view type, std::string_view field, std::string_view why);
[[noreturn]] void throw_not_convertible(std::string_view type, std::string_view why);
[[noreturn]] void throw_no_json_object(std::string_view std_out);
/// Throws CommandFailedError when `result` did not exit 0.
void require_success_for_parsing(const ExecResult& result);

template <class T> constexpr std::string_view json_type_name() {
  using U = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<U, bool>) return "bool";
  else if constexpr (std::is_integral_v<U>) return "int";
  else if constexpr (std::is_floating_point_v<U>) return "float";
  else if constexpr (std::is_convertible_v<U, std::string_view>) return "str";
  else if constexpr (is_optional<U>::value) return json_type_name<typename U::value_type>();
  else if constexpr (requires(U u) { u.begin(); u.size(); }) return "list";
  else return "object";
}

}  // namespace detail

/// Converts one JSON object to T. Missing non-optional fields and fields of the wrong
/// type throw SandboxExecutionError naming the field; unknown keys are ignored.
template <class T>
T from_json_object(const boost::json::object& object, std::string_view type_name = "result") {
  if constexpr (boost::describe::has_describe_members<T>::value) {
    T out{};
    using members = boost::describe::describe_members<T, boost::describe::mod_public>;
    boost::mp11::mp_for_each<members>([&](auto member) {
      using field_type = std::remove_cvref_t<decltype(out.*member.pointer)>;
      const auto* value = object.if_contains(member.name);
      if (!value || (value->is_null() && detail::is_optional<field_type>::value)) {
        if constexpr (!detail::is_optional<field_type>::value) detail::throw_missing_field(type_name, member.name);
        return;
      }
      auto converted = boost::json::try_value_to<field_type>(*value);
      if (!converted) detail::throw_bad_field(type_name, member.name, converted.error().message());
      out.*member.pointer = std::move(*converted);
    });
    return out;
  } else {
    auto converted = boost::json::try_value_to<T>(boost::json::value(object));
    if (!converted) detail::throw_not_convertible(type_name, converted.error().message());
    return std::move(*converted);
  }
}

/// Parses T from text by json_object_candidates; the first candidate that converts
/// wins. Errors: SandboxExecutionError (no JSON object, or none converts: the last
/// conversion error is reported).
template <class T>
T parse_as(std::string_view text, std::string_view type_name = "result") {
  const auto candidates = json_object_candidates(text);
  if (candidates.empty()) detail::throw_no_json_object(text);
  for (std::size_t i = 0;; ++i) {
    try {
      return from_json_object<T>(candidates[i], type_name);
    } catch (const SandboxExecutionError&) {
      if (i + 1 == candidates.size()) throw;
    }
  }
}

/// The instruction appended by schema injection: "Return ONLY a JSON object with
/// these fields: a (int), b (str)." for described structs, else
/// "Return ONLY a JSON object.".
template <class T>
std::string json_schema() {
  if constexpr (boost::describe::has_describe_members<T>::value) {
    std::string fields;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto member) {
      if (!fields.empty()) fields += ", ";
      using field_type = std::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
      fields += std::string(member.name) + " (" + std::string(detail::json_type_name<field_type>()) +
                (detail::is_optional<field_type>::value ? ", optional" : "") + ")";
    });
    return "Return ONLY a JSON object with these fields: " + fields + ".";
  } else {
    return "Return ONLY a JSON object.";
  }
}

}  // namespace sbx
