// What a create asks for, as far as placement and pricing care (internal).
#pragma once

#include "sbx/options.hpp"
#include "sbx/pricing.hpp"

#include <chrono>

namespace sbx::scheduler {

struct request_profile {
  BilledResources resources;
  std::chrono::seconds lifetime{600};  // timeout_secs
  int gpu = 0;
  bool allow_internet = true;
  bool cpu_requested = false;     // explicitly, so an unenforced limit is worth a caveat
  bool memory_requested = false;
  bool wants_image = false;       // an explicit image (a preset's image is per backend)
  bool wants_template = false;
  bool wants_snapshot = false;
};

/// The profile of `options` after its preset's defaults, as Client::create resolves
/// them. Errors: SandboxConfigurationError for an unknown preset.
request_profile make_profile(const CreateOptions& options);

}  // namespace sbx::scheduler
