#include "sbx/registry.hpp"

#include "sbx/errors.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>

namespace sbx {
namespace detail {
std::vector<BackendInfo> builtin_backends();  // generated from the enabled drivers
}  // namespace detail

namespace {

struct registry {
  std::mutex mutex;
  std::vector<BackendInfo> backends = detail::builtin_backends();
};

registry& instance() {
  static registry r;
  return r;
}

}  // namespace

std::string normalize_backend_name(std::string_view name) {
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) name.remove_prefix(1);
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void register_backend(BackendInfo info) {
  auto& r = instance();
  std::lock_guard lock(r.mutex);
  info.name = normalize_backend_name(info.name);
  const auto it = std::find_if(r.backends.begin(), r.backends.end(),
                               [&](const BackendInfo& b) { return b.name == info.name; });
  if (it != r.backends.end()) *it = std::move(info);
  else r.backends.push_back(std::move(info));
}

std::vector<std::string> backend_names() {
  auto& r = instance();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> names;
  for (const auto& b : r.backends) names.push_back(b.name);
  return names;
}

BackendInfo find_backend(std::string_view name) {
  const auto wanted = normalize_backend_name(name);
  auto& r = instance();
  std::lock_guard lock(r.mutex);
  for (const auto& b : r.backends)
    if (b.name == wanted) return b;
  std::string choices;
  for (const auto& b : r.backends) choices += (choices.empty() ? "" : ", ") + b.name;
  throw SandboxConfigurationError("Unknown backend '" + wanted + "'. Choose from: " + choices,
                                  {.context = {{"backend", wanted}}});
}

}  // namespace sbx
