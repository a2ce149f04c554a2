#include "resolve_options.hpp"

#include "log.hpp"
#include "owner_labels.hpp"
#include "sbx/errors.hpp"

#include <cctype>
#include <cmath>

namespace sbx::detail {
namespace {

[[noreturn]] void bad_option(const std::string& backend, std::string message, std::string key,
                             std::string value) {
  throw SandboxConfigurationError(std::move(message),
                                  {.backend = backend, .op = "create", .context = {{std::move(key), std::move(value)}}});
}

void refuse(const std::string& backend, const std::string& what) {
  throw FeatureNotSupportedError("The " + backend + " backend cannot honour " + what,
                                 {.backend = backend, .op = "create"});
}

void note_ignored(const std::string& backend, bool supported, bool requested, const char* what) {
  if (requested && !supported && log_enabled(log_level::debug))
    log(log_level::debug, backend + " ignores " + what);
}

void validate(const ResolvedOptions& o, const std::string& backend) {
  if (!std::isfinite(o.cpu) || o.cpu <= 0)
    bad_option(backend, "cpu must be a positive number", "cpu", std::to_string(o.cpu));
  if (o.memory_mb <= 0)
    bad_option(backend, "memory_mb must be positive", "memory_mb", std::to_string(o.memory_mb));
  if (o.disk_mb && *o.disk_mb <= 0)
    bad_option(backend, "disk_mb must be positive", "disk_mb", std::to_string(*o.disk_mb));
  if (o.timeout_secs <= 0)
    bad_option(backend, "timeout_secs must be positive", "timeout_secs", std::to_string(o.timeout_secs));
  if (o.gpu && *o.gpu < 0)
    bad_option(backend, "gpu must not be negative", "gpu", std::to_string(*o.gpu));
  for (const auto& [key, value] : {std::pair{"image", &o.image}, std::pair{"template_name", &o.template_name},
                                    std::pair{"snapshot_id", &o.snapshot_id}, std::pair{"app_name", &o.app_name},
                                    std::pair{"workdir", &o.workdir}})
    if (*value && (*value)->empty()) bad_option(backend, std::string(key) + " must not be empty when set", key, "");
  for (const auto& [name, value] : o.env_vars)
    if (!is_env_name(name)) bad_option(backend, "invalid environment variable name", "env_var", name);
  for (const auto& [key, value] : o.labels)
    if (key.empty()) bad_option(backend, "label keys must not be empty", "label", key);
}

}  // namespace

bool is_env_name(std::string_view name) noexcept {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  for (const char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

creation_plan resolve_options(const CreateOptions& requested, const std::string& backend,
                              const Capabilities& caps, const ClientOptions& client) {
  creation_plan plan;
  if (requested.preset) plan.preset = get_preset(*requested.preset);
  const Preset defaults = plan.preset.value_or(Preset{});

  auto& o = plan.options;
  o.cpu = requested.cpu.value_or(defaults.cpu);
  o.memory_mb = requested.memory_mb.value_or(defaults.memory_mb);
  o.disk_mb = requested.disk_mb;
  o.timeout_secs = requested.timeout_secs.value_or(defaults.timeout_secs);
  o.allow_internet = requested.allow_internet.value_or(defaults.allow_internet);
  o.env_vars = defaults.env_vars;
  for (const auto& [name, value] : requested.env_vars) o.env_vars[name] = value;
  o.image = requested.image ? requested.image : defaults.image_for(backend);
  o.template_name = requested.template_name;
  o.app_name = requested.app_name;
  o.snapshot_id = requested.snapshot_id;
  o.workdir = requested.workdir;
  o.backend_options = requested.backend_options;
  o.gpu = requested.gpu;
  o.gpu_type = requested.gpu_type;
  o.create_timeout = requested.create_timeout.value_or(client.create_timeout);
  o.labels = requested.labels;
  validate(o, backend);

  if (!o.allow_internet && !caps.network_control) refuse(backend, "allow_internet=false");
  if (o.snapshot_id && !caps.snapshots) refuse(backend, "snapshot_id");
  if (o.gpu.value_or(0) > 0 && !caps.gpu) refuse(backend, "a GPU request");
  note_ignored(backend, caps.cpu_limit, requested.cpu.has_value(), "cpu");
  note_ignored(backend, caps.memory_limit, requested.memory_mb.has_value(), "memory_mb");
  note_ignored(backend, caps.disk_limit, requested.disk_mb.has_value(), "disk_mb");
  note_ignored(backend, caps.images, requested.image.has_value(), "image");
  note_ignored(backend, caps.templates, requested.template_name.has_value(), "template_name");

  for (auto& [key, value] : owner_labels(std::chrono::seconds(o.timeout_secs))) o.labels[key] = value;

  if (plan.preset) {
    const auto& prebuilt = plan.preset->image_for(backend);
    const bool using_prebuilt_image = caps.images && prebuilt && o.image == prebuilt;
    if (!using_prebuilt_image) plan.setup_commands = plan.preset->setup_for(backend);
  }
  return plan;
}

}  // namespace sbx::detail
