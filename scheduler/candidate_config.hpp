// Checking a router's candidate list against the registry and the price table (internal).
#pragma once

#include "sbx/registry.hpp"
#include "sbx/router.hpp"

#include <vector>

namespace sbx::scheduler {

/// A candidate with its backend found and its price settled.
struct resolved_candidate {
  RouterBackend config;  // name and backend normalised
  BackendInfo info;
  BackendPrice price;    // the override, else the table's entry
};

/// Resolves every candidate of `options`. Errors: SandboxConfigurationError (no
/// candidates, unknown backend, duplicate name, no price, region the backend lacks).
std::vector<resolved_candidate> resolve_candidates(const RouterOptions& options);

}  // namespace sbx::scheduler
