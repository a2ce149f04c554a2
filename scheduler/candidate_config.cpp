#include "candidate_config.hpp"

#include "sbx/errors.hpp"

#include <algorithm>
#include <set>

namespace sbx::scheduler {
namespace {

[[noreturn]] void bad_candidate(const std::string& name, std::string message) {
  throw SandboxConfigurationError("router: " + std::move(message), {.context = {{"candidate", name}}});
}

}  // namespace

std::vector<resolved_candidate> resolve_candidates(const RouterOptions& options) {
  if (options.backends.empty()) throw SandboxConfigurationError("router: no candidate backends");
  std::vector<resolved_candidate> out;
  std::set<std::string> names;
  for (auto config : options.backends) {
    auto info = find_backend(config.backend);
    config.backend = info.name;
    if (config.name.empty()) config.name = info.name;
    if (!names.insert(config.name).second) bad_candidate(config.name, "two candidates are called '" + config.name + "'");
    const BackendPrice* listed = options.pricing.find(info.name);
    if (!config.price && !listed)
      bad_candidate(config.name, "no price for backend '" + info.name +
                                     "': add it to the pricing table or give the candidate a price");
    const auto& regions = info.capabilities.regions;
    if (config.region && !regions.empty() && std::find(regions.begin(), regions.end(), *config.region) == regions.end())
      bad_candidate(config.name, "backend '" + info.name + "' has no region '" + *config.region + "'");
    BackendPrice price = config.price ? *config.price : *listed;
    out.push_back({.config = std::move(config), .info = std::move(info), .price = std::move(price)});
  }
  return out;
}

}  // namespace sbx::scheduler
