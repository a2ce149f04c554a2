// Live cost metering: every sandbox accrues cost from creation to destruction.
#pragma once

#include "sbx/pricing.hpp"
#include "sbx/types.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sbx {

/// The time source of meters, breakers and latency measurements. Empty: the system clock.
using clock_function = std::function<std::chrono::system_clock::time_point()>;

/// One sandbox's meter.
struct SandboxCost {
  std::string candidate;   // router candidate (or backend) that placed it
  std::string backend;
  std::string sandbox_id;  // provider id
  BilledResources resources;
  env_map labels;          // the caller's labels (owner labels sbx.* left out)
  std::chrono::system_clock::time_point started;
  std::optional<std::chrono::system_clock::time_point> ended;  // unset: still running
  std::uint64_t execs = 0;
  std::chrono::nanoseconds billed{};  // after granularity and minimum
  double usd = 0;
};

/// A sum over sandboxes.
struct CostTotal {
  double usd = 0;
  std::size_t sandboxes = 0;
  std::size_t running = 0;  // of which still open
  std::uint64_t execs = 0;
  std::chrono::nanoseconds billed{};
};

/// Costs at one instant: overall, per candidate, per label ("key=value") and per sandbox.
struct CostReport {
  std::chrono::system_clock::time_point at;
  CostTotal total;
  std::map<std::string, CostTotal> by_backend;  // keyed by candidate name
  std::map<std::string, CostTotal> by_label;
  std::vector<SandboxCost> sandboxes;  // in creation order

  /// {"at", "total", "by_backend", "by_label", "sandboxes"}; times as ISO 8601 UTC.
  boost::json::object to_json() const;
  /// Aligned plain-text tables: per backend, per label, then the total.
  std::string to_text() const;
};

/// Accrues the cost of sandboxes from open() to close(). Thread-safe.
///
/// An open meter is valued at the current time, billed with the provider's
/// granularity and minimum; when its backend ends sandboxes itself after their
/// lifetime (Capabilities::lifetime_backstop), accrual stops there.
class CostMeter {
 public:
  /// Identifies one sandbox's meter.
  using entry_id = std::uint64_t;

  /// A meter reading times from `clock` (the system clock when empty).
  explicit CostMeter(clock_function clock = {});
  CostMeter(const CostMeter&) = delete;
  CostMeter& operator=(const CostMeter&) = delete;
  ~CostMeter();

  /// Appends every event from now on to `file` as JSON lines (see read_cost_journal).
  /// Errors: SandboxConfigurationError when the file cannot be opened for appending.
  void set_journal(const std::filesystem::path& file);

  /// Starts metering a sandbox created now. `lifetime` caps accrual (see above).
  entry_id open(SandboxCost sandbox, const BackendPrice& price,
                std::optional<std::chrono::seconds> lifetime = std::nullopt);
  /// Counts one exec for the per-exec charge.
  void record_exec(entry_id id);
  /// Stops the meter at the current time. Idempotent.
  void close(entry_id id);
  /// Closes the open meters of `candidate` whose sandbox ids are in `ids` (a sweep
  /// removed them). Returns how many were closed.
  std::size_t close_swept(std::string_view candidate, const std::vector<std::string>& ids);

  /// Total cost so far, open meters valued now. O(open meters).
  double spent_usd() const;
  /// Every meter, valued now.
  CostReport report() const;
  /// The current time of this meter's clock.
  std::chrono::system_clock::time_point now() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Replays a journal written by CostMeter::set_journal (several runs may share one
/// file): sandboxes still open are valued at `at`. Errors: SandboxConfigurationError
/// naming the unreadable file or the malformed line.
CostReport read_cost_journal(const std::filesystem::path& file,
                             std::chrono::system_clock::time_point at = std::chrono::system_clock::now());

}  // namespace sbx
