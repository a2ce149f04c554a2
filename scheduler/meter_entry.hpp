// One sandbox's meter as CostMeter and the journal reader keep it (internal).
#pragma once

#include "sbx/cost.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace sbx::scheduler {

struct meter_entry {
  SandboxCost sandbox;  // billed and usd are filled in by valued()
  BackendPrice price;
  std::optional<std::chrono::seconds> lifetime;  // accrual stops after it
};

/// The entry's cost at `at` (or at its end, when closed earlier).
SandboxCost valued(const meter_entry& entry, std::chrono::system_clock::time_point at);

/// Totals over `entries` valued at `at`.
CostReport make_report(const std::vector<meter_entry>& entries, std::chrono::system_clock::time_point at);

/// Labels that go into reports: the caller's, without the owner labels (sbx.*).
env_map reported_labels(const env_map& labels);

}  // namespace sbx::scheduler
