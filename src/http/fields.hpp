// HTTP header fields with a "sensitive" mark that keeps secrets out of diagnostics.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::http {

/// One header line. `sensitive` values (API keys, tokens) are never printed.
struct field {
  std::string name;
  std::string value;
  bool sensitive = false;
};

/// An ordered list of header fields; names compare case-insensitively.
class fields {
 public:
  /// Replaces every field called `name` with one field holding `value`.
  void set(std::string_view name, std::string_view value);
  /// Like set(), and marks the value as a secret (never logged, never in errors).
  void set_sensitive(std::string_view name, std::string_view value);
  /// Appends a field, keeping existing ones of the same name.
  void add(std::string_view name, std::string_view value, bool sensitive = false);
  /// Removes every field called `name`.
  void erase(std::string_view name);

  /// The first value of `name`, if present.
  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  /// True when `name` was marked sensitive or is a well-known credential header
  /// (Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-API-Key, ...).
  bool is_sensitive(std::string_view name) const;

  /// "Name: value" lines for diagnostics, with sensitive values shown as "<redacted>".
  std::string redacted() const;

  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<field> entries_;
};

/// ASCII case-insensitive comparison of header names.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace sbx::http
