#include "request_profile.hpp"

#include "sbx/presets.hpp"

namespace sbx::scheduler {

request_profile make_profile(const CreateOptions& options) {
  const Preset defaults = options.preset ? get_preset(*options.preset) : Preset{};
  return {
      .resources = {.cpu = options.cpu.value_or(defaults.cpu),
                    .memory_mb = options.memory_mb.value_or(defaults.memory_mb),
                    .disk_mb = options.disk_mb},
      .lifetime = std::chrono::seconds(options.timeout_secs.value_or(defaults.timeout_secs)),
      .gpu = options.gpu.value_or(0),
      .allow_internet = options.allow_internet.value_or(defaults.allow_internet),
      .cpu_requested = options.cpu.has_value(),
      .memory_requested = options.memory_mb.has_value(),
      .wants_image = options.image.has_value(),
      .wants_template = options.template_name.has_value(),
      .wants_snapshot = options.snapshot_id.has_value(),
  };
}

}  // namespace sbx::scheduler
