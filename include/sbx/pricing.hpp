// Provider prices and billing rules: the table the scheduler ranks and meters with.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sbx {

/// One backend's list prices (USD) and billing rules.
struct BackendPrice {
  double vcpu_per_hour_usd = 0;
  double ram_gib_per_hour_usd = 0;
  double storage_gib_per_month_usd = 0;  // charged for CreateOptions::disk_mb when set
  double per_execution_usd = 0;          // charged per exec / run_code call
  std::chrono::seconds billing_granularity{1};  // lifetimes round up to a multiple; 0: exact
  std::chrono::seconds billing_minimum{0};      // every sandbox is billed at least this long
  std::optional<std::string> free_tier;         // informative only: never deducted
  std::optional<std::string> pricing_url;
  std::string notes;
  std::string billing_source;  // where the granularity and minimum come from

  /// Reads the JSON form (the original's pricing.json entry plus
  /// billing_granularity_secs, billing_minimum_secs and billing_source); keys that are
  /// absent keep their value in `base`. Errors: SandboxConfigurationError naming the
  /// mistyped or negative key.
  static BackendPrice from_json(const boost::json::object& json, BackendPrice base);
  /// The same over a default-constructed base.
  static BackendPrice from_json(const boost::json::object& json);
  /// The JSON form read by from_json.
  boost::json::object to_json() const;
};

/// What a sandbox holds while it lives: the billed quantities.
struct BilledResources {
  double cpu = 1.0;
  int memory_mb = 1024;
  std::optional<int> disk_mb;
};

/// Hours in a billing month: a storage price per GiB-month is divided by this.
inline constexpr double hours_per_month = 730.0;

/// USD per hour of `resources` at `price`: vCPU + RAM + storage (no per-exec charge).
double hourly_cost_usd(const BackendPrice& price, const BilledResources& resources);

/// The time billed for a sandbox that lived `elapsed`: rounded up to whole
/// billing_granularity units (at least one), then raised to billing_minimum.
std::chrono::nanoseconds billed_duration(const BackendPrice& price, std::chrono::nanoseconds elapsed);

/// What a sandbox costs: hourly_cost_usd × billed hours + execs × per_execution_usd.
double billed_cost_usd(const BackendPrice& price, const BilledResources& resources,
                       std::chrono::nanoseconds elapsed, std::uint64_t execs = 0);

/// The least a new sandbox can cost once created: one billing unit or the minimum.
double minimum_charge_usd(const BackendPrice& price, const BilledResources& resources);

/// A dated price list for every backend.
struct PricingTable {
  std::string last_updated;  // YYYY-MM-DD
  std::string note;
  std::string source;        // where the figures come from
  std::map<std::string, BackendPrice> backends;

  /// The table embedded in the library (scheduler/pricing.json: the Python original's
  /// figures dated 2026-03-28).
  static PricingTable builtin();
  /// Parses the JSON form of pricing.json. Entries override nothing: a table is whole.
  /// Errors: SandboxConfigurationError naming the bad key.
  static PricingTable parse(std::string_view json);
  /// Reads and parses a file. Errors: SandboxConfigurationError (unreadable, malformed).
  static PricingTable load(const std::filesystem::path& file);
  /// The JSON form parse() reads.
  boost::json::object to_json() const;

  /// The entry for `backend` (exact name), or nullptr.
  const BackendPrice* find(std::string_view backend) const;
  /// Whole days from last_updated to `today` (negative if dated in the future).
  /// Errors: SandboxConfigurationError when last_updated is not YYYY-MM-DD.
  int age_days(std::chrono::sys_days today) const;
};

/// The days after which a pricing table counts as stale unless configured otherwise.
inline constexpr int default_pricing_max_age_days = 90;

/// A warning text when `table` is older than `max_age_days` on `today`, else nothing.
std::optional<std::string> pricing_staleness_warning(const PricingTable& table,
                                                     std::chrono::sys_days today,
                                                     int max_age_days = default_pricing_max_age_days);

/// Today's date (UTC) from the system clock.
std::chrono::sys_days utc_today();

}  // namespace sbx
