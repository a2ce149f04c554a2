// Can a candidate run a request? (internal)
#pragma once

#include "request_profile.hpp"
#include "sbx/capabilities.hpp"
#include "sbx/router.hpp"

#include <string>
#include <vector>

namespace sbx::scheduler {

/// True when `candidate` (with `caps`) can honour the request: on the allow-list,
/// within max_cpu/max_memory_mb, GPUs, an explicit image or template, snapshot,
/// allow_internet=false (network_control), every required language (when the
/// candidate declares languages), region and labels. With `reasons`, appends every
/// shortfall, or for a feasible candidate its caveats (limits it does not enforce,
/// undeclared languages); without, stops at the first shortfall.
bool check_feasible(const RouterBackend& candidate, const Capabilities& caps, const request_profile& request,
                    const PlacementRequirements& requirements, std::vector<std::string>* reasons = nullptr);

}  // namespace sbx::scheduler
