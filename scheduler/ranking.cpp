#include "ranking.hpp"

#include "feasibility.hpp"

#include <algorithm>
#include <tuple>

namespace sbx::scheduler {
namespace {

struct sort_key {
  double cost;
  bool measured;
  std::chrono::nanoseconds latency;
  std::size_t index;

  friend bool operator<(const sort_key& a, const sort_key& b) {
    return std::tie(a.cost, a.measured, a.latency, a.index) < std::tie(b.cost, b.measured, b.latency, b.index);
  }
};

sort_key key_of(const candidate_facts& c, std::size_t index, const request_profile& request,
                const cost_horizon& horizon) {
  return {expected_cost_usd(*c.price, request, horizon), c.latency.has_value(),
          c.latency.value_or(std::chrono::nanoseconds::zero()), index};
}

}  // namespace

double expected_cost_usd(const BackendPrice& price, const request_profile& request, const cost_horizon& horizon) {
  return billed_cost_usd(price, request.resources, horizon.lifetime.value_or(request.lifetime), horizon.execs);
}

void placement_order(std::span<const candidate_facts> candidates, const request_profile& request,
                     const PlacementRequirements& requirements, const cost_horizon& horizon,
                     std::vector<std::size_t>& order) {
  std::vector<sort_key> keys;
  keys.reserve(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (check_feasible(*candidates[i].config, *candidates[i].capabilities, request, requirements))
      keys.push_back(key_of(candidates[i], i, request, horizon));
  std::sort(keys.begin(), keys.end());
  order.clear();
  for (const auto& key : keys) order.push_back(key.index);
}

std::vector<RankedCandidate> rank_all(std::span<const candidate_facts> candidates, const request_profile& request,
                                      const PlacementRequirements& requirements, const cost_horizon& horizon) {
  std::vector<std::size_t> order;
  placement_order(candidates, request, requirements, horizon, order);
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (std::find(order.begin(), order.end(), i) == order.end()) order.push_back(i);
  std::vector<RankedCandidate> ranked;
  for (const auto i : order) {
    const auto& c = candidates[i];
    RankedCandidate entry{.name = c.config->name,
                          .backend = c.config->backend,
                          .hourly_usd = hourly_cost_usd(*c.price, request.resources),
                          .expected_usd = expected_cost_usd(*c.price, request, horizon),
                          .latency = c.latency};
    entry.feasible = check_feasible(*c.config, *c.capabilities, request, requirements, &entry.reasons);
    ranked.push_back(std::move(entry));
  }
  return ranked;
}

}  // namespace sbx::scheduler
