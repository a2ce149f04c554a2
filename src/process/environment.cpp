#include "process/environment.hpp"

#include <algorithm>

extern char** environ;

namespace sbx::process {
namespace {

bool defines(std::string_view entry, std::string_view name) {
  return entry.size() > name.size() && entry[name.size()] == '=' && entry.starts_with(name);
}

}  // namespace

environment host_environment() {
  environment env;
  for (char** entry = environ; *entry != nullptr; ++entry) env.emplace_back(*entry);
  return env;
}

void set_variable(environment& env, std::string_view name, std::string_view value) {
  std::string entry;
  entry.reserve(name.size() + 1 + value.size());
  entry.append(name).append(1, '=').append(value);
  const auto existing = std::find_if(env.begin(), env.end(),
                                     [name](const std::string& e) { return defines(e, name); });
  if (existing != env.end()) {
    *existing = std::move(entry);
  } else {
    env.push_back(std::move(entry));
  }
}

void apply_overlay(environment& env, const env_map& overlay) {
  for (const auto& [name, value] : overlay) set_variable(env, name, value);
}

std::optional<std::string_view> find_variable(const environment& env, std::string_view name) {
  for (const auto& entry : env) {
    if (defines(entry, name)) return std::string_view(entry).substr(name.size() + 1);
  }
  return std::nullopt;
}

}  // namespace sbx::process
