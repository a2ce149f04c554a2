// Billing math: hourly rates, rounded lifetimes, charges.
#include "sbx/pricing.hpp"

#include <algorithm>

namespace sbx {

namespace {

constexpr double seconds_per_hour = 3600.0;
constexpr double mib_per_gib = 1024.0;

}  // namespace

double hourly_cost_usd(const BackendPrice& price, const BilledResources& resources) {
  const double ram_gib = resources.memory_mb / mib_per_gib;
  const double disk_gib = resources.disk_mb.value_or(0) / mib_per_gib;
  return resources.cpu * price.vcpu_per_hour_usd + ram_gib * price.ram_gib_per_hour_usd +
         disk_gib * price.storage_gib_per_month_usd / hours_per_month;
}

std::chrono::nanoseconds billed_duration(const BackendPrice& price, std::chrono::nanoseconds elapsed) {
  using std::chrono::nanoseconds;
  elapsed = std::max(elapsed, nanoseconds::zero());
  const nanoseconds unit = price.billing_granularity;
  nanoseconds billed = elapsed;
  if (unit > nanoseconds::zero()) {
    const auto units = std::max<nanoseconds::rep>(1, (elapsed.count() + unit.count() - 1) / unit.count());
    billed = unit * units;
  }
  return std::max<nanoseconds>(billed, price.billing_minimum);
}

double billed_cost_usd(const BackendPrice& price, const BilledResources& resources,
                       std::chrono::nanoseconds elapsed, std::uint64_t execs) {
  const auto billed = std::chrono::duration<double>(billed_duration(price, elapsed)).count();
  return hourly_cost_usd(price, resources) * billed / seconds_per_hour +
         static_cast<double>(execs) * price.per_execution_usd;
}

double minimum_charge_usd(const BackendPrice& price, const BilledResources& resources) {
  return billed_cost_usd(price, resources, std::chrono::nanoseconds::zero());
}

}  // namespace sbx
