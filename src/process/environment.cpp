#include "process/environment.hpp"

#include <algorithm>

extern char** environ;

namespace sbx::process {
namespace {

bool defines(std::string_view entry, std::string_view name) {
  return entry.size() > name.size() && entry[name.size()] == '=' && entry.starts_with(name);
}

// Calls `visit` with each base entry that `env` does not replace, then with each of
// `env`'s.
template <class Visit>
void for_each_layered(const environment* base, const environment& env, Visit&& visit) {
  if (base != nullptr) {
    for (const auto& entry : *base) {
      const std::string_view name = std::string_view(entry).substr(0, entry.find('='));
      if (std::none_of(env.begin(), env.end(), [name](const std::string& e) { return defines(e, name); })) {
        visit(entry);
      }
    }
  }
  for (const auto& entry : env) visit(entry);
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

std::vector<const char*> layered_entries(const environment* base, const environment& env) {
  std::vector<const char*> entries;
  entries.reserve((base ? base->size() : 0) + env.size() + 1);
  for_each_layered(base, env, [&](const std::string& entry) { entries.push_back(entry.c_str()); });
  entries.push_back(nullptr);
  return entries;
}

environment flattened(const environment* base, const environment& env) {
  environment flat;
  for_each_layered(base, env, [&](const std::string& entry) { flat.push_back(entry); });
  return flat;
}

std::optional<std::string_view> find_variable(const environment* base, const environment& env,
                                              std::string_view name) {
  if (auto value = find_variable(env, name)) return value;
  return base ? find_variable(*base, name) : std::nullopt;
}

}  // namespace sbx::process
