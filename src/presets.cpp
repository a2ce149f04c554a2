#include "sbx/presets.hpp"

#include "json_fields.hpp"
#include "sbx/errors.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <mutex>

namespace sbx {
namespace detail {
std::vector<std::string_view> builtin_preset_sources();  // generated from presets/*.json
}  // namespace detail

namespace {

Preset parse_preset(std::string_view source) {
  const auto doc = boost::json::parse(source).as_object();
  const detail::json_reader in{doc, "preset"};
  Preset p;
  p.name = in.required_string("name");
  p.description = in.string_or("description", "");
  p.image = in.optional_string("image");
  p.tensorlake_image = in.optional_string("tensorlake_image");
  p.setup_commands = in.string_list("setup_commands");
  if (doc.contains("backend_setup_commands")) {
    const auto& per_backend = in.required_object("backend_setup_commands");
    const detail::json_reader lists{per_backend, "preset backend_setup_commands"};
    for (const auto& entry : per_backend)
      p.backend_setup_commands[std::string(entry.key())] = lists.string_list(entry.key());
  }
  p.cpu = in.number_or("cpu", p.cpu);
  p.memory_mb = static_cast<int>(in.number_or("memory_mb", p.memory_mb));
  p.timeout_secs = static_cast<int>(in.number_or("timeout_secs", p.timeout_secs));
  p.env_vars = in.string_map("env_vars");
  p.allow_internet = in.bool_or("allow_internet", p.allow_internet);
  return p;
}

struct preset_registry {
  std::mutex mutex;
  std::vector<Preset> presets;

  preset_registry() {
    for (const auto source : detail::builtin_preset_sources()) presets.push_back(parse_preset(source));
  }
};

preset_registry& instance() {
  static preset_registry r;
  return r;
}

}  // namespace

const std::vector<std::string>& Preset::setup_for(std::string_view backend) const {
  const auto it = backend_setup_commands.find(std::string(backend));
  return it != backend_setup_commands.end() ? it->second : setup_commands;
}

const std::optional<std::string>& Preset::image_for(std::string_view backend) const {
  return backend == "tensorlake" ? tensorlake_image : image;
}

void register_preset(Preset preset) {
  if (preset.name.empty()) throw SandboxConfigurationError("A preset needs a name");
  auto& r = instance();
  std::lock_guard lock(r.mutex);
  const auto it = std::find_if(r.presets.begin(), r.presets.end(),
                               [&](const Preset& p) { return p.name == preset.name; });
  if (it != r.presets.end()) *it = std::move(preset);
  else r.presets.push_back(std::move(preset));
}

Preset get_preset(std::string_view name) {
  auto& r = instance();
  std::lock_guard lock(r.mutex);
  for (const auto& p : r.presets)
    if (p.name == name) return p;
  std::vector<std::string> names;
  for (const auto& p : r.presets) names.push_back(p.name);
  std::sort(names.begin(), names.end());
  std::string available;
  for (const auto& n : names) available += (available.empty() ? "" : ", ") + n;
  throw SandboxConfigurationError(
      "Unknown preset '" + std::string(name) + "'. Available presets: " + available,
      {.context = {{"preset", std::string(name)}}});
}

std::vector<Preset> list_presets() {
  auto& r = instance();
  std::lock_guard lock(r.mutex);
  auto out = r.presets;
  std::sort(out.begin(), out.end(), [](const Preset& a, const Preset& b) { return a.name < b.name; });
  return out;
}

}  // namespace sbx
