// Fault injection for the fakes: per-request latency, and 429 (with Retry-After),
// 5xx, connection resets and hangs at a given rate or on the Nth request.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace sbx_fake {

/// What happens to one request instead of its normal answer: a 429, a 5xx, a reset
/// before the request is processed, a reset after it was processed (its answer is
/// dropped: the client cannot tell whether it took effect), or no answer at all.
enum class fault_kind { none, rate_limited, server_error, reset, drop, hang };

/// "none", "429", "5xx", "reset", "drop", "hang".
std::string_view to_string(fault_kind kind) noexcept;
/// The inverse of to_string. Throws std::invalid_argument for anything else.
fault_kind parse_fault_kind(std::string_view text);

/// The knobs. JSON form (every key optional):
/// {"latency_ms": 50, "rate_429": 0.05, "rate_5xx": 0.03, "status_5xx": 503,
///  "rate_reset": 0.02, "rate_drop": 0.01, "rate_hang": 0, "retry_after": "1", "nth": {"3": "reset"},
///  "paths": ["/sandboxes"], "seed": 1}
struct fault_config {
  std::chrono::milliseconds latency{0};  // added before every affected request
  double rate_429 = 0;
  double rate_5xx = 0;
  double rate_reset = 0;
  double rate_drop = 0;
  double rate_hang = 0;
  unsigned status_5xx = 503;
  std::string retry_after = "1";  // Retry-After of a 429 ("" sends none)
  std::map<std::uint64_t, fault_kind> on_nth;  // 1-based index among affected requests
  std::vector<std::string> paths;  // path prefixes affected; empty: every path
  std::uint64_t seed = 1;

  /// Parses the JSON form. Throws std::invalid_argument naming the bad key.
  static fault_config from_json(const boost::json::object& object);
  /// The JSON form (every key present).
  boost::json::object to_json() const;
};

/// How many faults of each kind were injected.
struct fault_counters {
  std::uint64_t rate_limited = 0;
  std::uint64_t server_error = 0;
  std::uint64_t reset = 0;
  std::uint64_t drop = 0;
  std::uint64_t hang = 0;
};

/// Decides the fate of each request. Deterministic for a given seed and request order.
class fault_injector {
 public:
  fault_injector() { configure({}); }

  /// Replaces the configuration; restarts the random sequence and the Nth counter.
  void configure(fault_config config);
  const fault_config& config() const noexcept { return config_; }

  /// True when `path` is subject to faults and latency.
  bool affects(std::string_view path) const;
  /// The fault for the next affected request (call once per request that affects()).
  fault_kind decide();

  const fault_counters& counters() const noexcept { return counters_; }
  /// {"429": n, "5xx": n, "reset": n, "drop": n, "hang": n}.
  boost::json::object counters_json() const;

 private:
  fault_config config_;
  std::mt19937_64 rng_;
  std::uint64_t seen_ = 0;
  fault_counters counters_;
};

}  // namespace sbx_fake
