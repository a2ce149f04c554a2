// Ordering candidates for a request: cost, then latency, then configuration order
// (internal; pure).
#pragma once

#include "request_profile.hpp"
#include "sbx/capabilities.hpp"
#include "sbx/router.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sbx::scheduler {

/// What ranking knows of one candidate.
struct candidate_facts {
  const RouterBackend* config;
  const Capabilities* capabilities;
  const BackendPrice* price;
  std::optional<std::chrono::nanoseconds> latency;  // create-latency EWMA
};

/// How a request's expected cost is estimated.
struct cost_horizon {
  std::optional<std::chrono::seconds> lifetime;  // unset: the request's own lifetime
  std::uint64_t execs = 1;
};

/// The bill of `request` on `price` over the horizon.
double expected_cost_usd(const BackendPrice& price, const request_profile& request, const cost_horizon& horizon);

/// Writes the indices of the feasible candidates into `order`, cheapest expected cost
/// first; equal costs by latency (unmeasured first), then by index.
void placement_order(std::span<const candidate_facts> candidates, const request_profile& request,
                     const PlacementRequirements& requirements, const cost_horizon& horizon,
                     std::vector<std::size_t>& order);

/// Every candidate with prices and reasons: the feasible ones in placement order,
/// then the others in index order. Breaker and capacity fields are left default.
std::vector<RankedCandidate> rank_all(std::span<const candidate_facts> candidates, const request_profile& request,
                                      const PlacementRequirements& requirements, const cost_horizon& horizon);

}  // namespace sbx::scheduler
