#include "http/fields.hpp"

#include <algorithm>
#include <array>

namespace sbx::http {
namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool well_known_secret(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 9> names = {
      "authorization",   "proxy-authorization", "cookie",
      "set-cookie",      "x-api-key",           "api-key",
      "x-access-token",  "x-auth-token",        "x-e2b-access-token"};
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return iequals(n, name); });
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

void fields::set(std::string_view name, std::string_view value) {
  erase(name);
  add(name, value);
}

void fields::set_sensitive(std::string_view name, std::string_view value) {
  erase(name);
  add(name, value, true);
}

void fields::add(std::string_view name, std::string_view value, bool sensitive) {
  entries_.push_back({std::string(name), std::string(value), sensitive});
}

void fields::erase(std::string_view name) {
  std::erase_if(entries_, [&](const field& f) { return iequals(f.name, name); });
}

std::optional<std::string_view> fields::get(std::string_view name) const {
  for (const auto& f : entries_)
    if (iequals(f.name, name)) return f.value;
  return std::nullopt;
}

bool fields::is_sensitive(std::string_view name) const {
  if (well_known_secret(name)) return true;
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const field& f) { return f.sensitive && iequals(f.name, name); });
}

std::string fields::redacted() const {
  std::string out;
  for (const auto& f : entries_) {
    out += f.name;
    out += ": ";
    out += is_sensitive(f.name) ? std::string_view("<redacted>") : std::string_view(f.value);
    out += "\r\n";
  }
  return out;
}

}  // namespace sbx::http
