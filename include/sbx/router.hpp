// sbx::Router: places each create on the cheapest healthy backend that can run it.
#pragma once

#include "sbx/client.hpp"
#include "sbx/cost.hpp"
#include "sbx/pricing.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx {

/// One backend the router may place sandboxes on.
struct RouterBackend {
  std::string name;     // unique among the candidates; empty: the backend name
  std::string backend;  // a registered backend, e.g. "e2b"
  ClientOptions client;
  std::size_t max_running = 0;            // sandboxes alive or being created; 0: no limit
  std::size_t max_creates_in_flight = 0;  // 0: no limit
  std::optional<BackendPrice> price;      // replaces the pricing table's entry
  std::optional<double> max_cpu;          // larger cpu requests are infeasible here
  std::optional<int> max_memory_mb;
  std::vector<std::string> languages;     // run_code languages it offers; empty: not declared
  std::optional<std::string> region;
  env_map labels;                         // matched by PlacementRequirements::labels
};

/// When a candidate's circuit breaker opens and how it recovers.
struct BreakerOptions {
  std::size_t consecutive_failures = 5;  // opens after this many failures in a row; 0: never
  double failure_rate = 0.5;             // ...or when this share of the window failed
  std::size_t window = 20;               // the last N create outcomes
  std::size_t min_samples = 10;          // the rate counts once the window holds this many
  std::chrono::milliseconds cooldown{30000};  // then one probe create may go (half-open)
};

/// Everything a router is made of. JSON form: see RouterOptions::parse.
struct RouterOptions {
  std::vector<RouterBackend> backends;  // candidates, in order of preference among equals
  PricingTable pricing = PricingTable::builtin();
  int pricing_max_age_days = default_pricing_max_age_days;  // older tables log a warning
  std::optional<double> budget_usd;     // no create may take metered spend past this
  BreakerOptions breaker;
  double latency_alpha = 0.2;           // weight of the newest create latency in the EWMA
  std::optional<std::chrono::seconds> expected_lifetime;  // unset: each request's timeout_secs
  std::uint64_t expected_execs = 1;     // per-exec charges counted in the expected cost
  std::optional<std::filesystem::path> journal;  // cost events appended as JSON lines
  clock_function clock;                 // meters, breakers, latencies; empty: system clock

  /// Parses the JSON form:
  /// {"backends": [{"name", "backend", "driver_options": {...}, "create_timeout_ms",
  ///   "exec_timeout_ms", "max_running", "max_creates_in_flight", "price": {partial
  ///   pricing entry, merged over the table's}, "max_cpu", "max_memory_mb", "languages",
  ///   "region", "labels"}], "pricing_file", "pricing_max_age_days", "budget_usd",
  ///  "breaker": {"consecutive_failures", "failure_rate", "window", "min_samples",
  ///   "cooldown_ms"}, "latency_alpha", "expected_lifetime_secs", "expected_execs",
  ///  "journal"}. Relative paths resolve against `base_dir`. Errors:
  /// SandboxConfigurationError naming the bad key.
  static RouterOptions parse(std::string_view json, const std::filesystem::path& base_dir = {});
  /// Reads and parses a file: TOML when its name ends in ".toml" (the same keys, e.g.
  /// `[[backends]]` tables), else JSON. Relative paths in it resolve against its
  /// directory. Errors: SandboxConfigurationError (unreadable file, bad syntax, bad key).
  static RouterOptions load(const std::filesystem::path& file);
};

/// Constraints on where a sandbox may go beyond what CreateOptions asks.
struct PlacementRequirements {
  std::vector<std::string> languages;  // each must be in a candidate's declared languages
  std::optional<std::string> region;
  env_map labels;                      // each must equal the candidate's label
  std::vector<std::string> candidates; // allow-list of candidate names; empty: all
};

/// State of a candidate's circuit breaker.
enum class breaker_state { closed, open, half_open };

/// "closed", "open", "half_open".
const char* to_string(breaker_state state) noexcept;

/// One candidate's place in a ranking, and why.
struct RankedCandidate {
  std::string name;
  std::string backend;
  bool feasible = false;
  std::vector<std::string> reasons;  // infeasible: what it lacks; feasible: caveats
  double hourly_usd = 0;             // for the requested resources
  double expected_usd = 0;           // billed over the expected lifetime and execs
  std::optional<std::chrono::nanoseconds> latency;  // create-latency EWMA, once measured
  breaker_state breaker = breaker_state::closed;
  bool at_capacity = false;          // at max_running or max_creates_in_flight
};

/// A candidate's health and load.
struct CandidateHealth {
  std::string name;
  std::string backend;
  breaker_state breaker = breaker_state::closed;
  std::size_t consecutive_failures = 0;
  std::size_t window_failures = 0;  // failures among the window's outcomes
  std::size_t window_size = 0;
  std::optional<std::chrono::nanoseconds> latency;
  std::size_t running = 0;            // live sandboxes plus creates in flight
  std::size_t creates_in_flight = 0;
  std::uint64_t creates_succeeded = 0;
  std::uint64_t creates_failed = 0;
  std::optional<std::string> last_error;
};

/// Counters of the router itself.
struct RouterStats {
  std::uint64_t placements = 0;  // creates handed to a candidate (failovers count again)
  std::uint64_t failovers = 0;   // failed creates retried on the next candidate
  std::uint64_t queued = 0;      // creates that waited for capacity
  std::chrono::nanoseconds placement_time{};  // spent choosing, outside the providers' creates
};

/// Creates sandboxes on the cheapest feasible, healthy candidate with capacity.
///
/// Placement: candidates that can honour the request (Capabilities, limits, languages,
/// region, labels) are ranked by expected cost for its resources, ties broken by
/// create-latency EWMA (unmeasured first), then by order. A candidate at an admission
/// limit is skipped; when every feasible candidate is full the request waits (FIFO)
/// for a slot. Health: a circuit breaker per candidate; rate-limited, capacity and
/// transient failures count and fail over to the next candidate, authentication and
/// configuration errors surface at once. Failover happens before a sandbox exists,
/// never during its execs. Every sandbox is metered from creation to destroy or sweep.
///
/// Copies share one router. Use it from the executor it was made on.
class Router {
 public:
  /// Builds a Client per candidate (drivers start on their first create) and logs a
  /// warning when the pricing table is stale. Errors: SandboxConfigurationError (no
  /// candidates, unknown backend, duplicate names, no price for a backend, unusable
  /// journal path).
  Router(boost::asio::any_io_executor executor, RouterOptions options);

  /// Creates a sandbox on the best candidate; the result is an ordinary Sandbox whose
  /// backend_name() is the provider's. Waits while every feasible candidate is full.
  /// Errors: FeatureNotSupportedError (no candidate can run it; context lists why),
  /// BudgetExceededError (the budget cannot pay the smallest charge of the next
  /// sandbox), SandboxConfigurationError and authentication errors from the provider
  /// as they are, else the last provider error once every healthy candidate failed.
  /// Cancellation: a waiting request leaves the queue; a create in flight is
  /// cancelled as Client::create is (nothing leaks).
  awaitable<Sandbox> create(CreateOptions options = {}, PlacementRequirements requirements = {});

  /// Every candidate for this request: feasible ones in placement order, then the rest
  /// with their reasons. Errors: SandboxConfigurationError (unknown preset).
  std::vector<RankedCandidate> rank(const CreateOptions& options,
                                    const PlacementRequirements& requirements = {}) const;

  /// Costs so far: every sandbox this router created, open ones valued now. O(sandboxes).
  CostReport costs() const;
  /// Breakers, latencies and load per candidate, in configuration order.
  std::vector<CandidateHealth> health() const;
  /// Placement counters since the router was made.
  RouterStats stats() const;

  /// Sweeps every candidate that supports it (Client::sweep) and closes the meters of
  /// the sandboxes removed. Candidates without sweep support are skipped. Errors: the
  /// first sweep failure, after the other candidates were swept.
  awaitable<SweepReport> sweep();

  /// The client of candidate `name` (resume sandboxes through it; they are not metered).
  /// Errors: SandboxConfigurationError for an unknown name.
  Client client(std::string_view name) const;
  /// The options the router was made with (candidate names as given).
  const RouterOptions& options() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

/// Ranks `options.backends` for a request from the registered backends' capabilities
/// and the price table alone (no health or load), as Router::rank does.
/// Errors: SandboxConfigurationError (unknown backend or preset, no price).
std::vector<RankedCandidate> rank_candidates(const RouterOptions& options, const CreateOptions& request,
                                             const PlacementRequirements& requirements = {});

}  // namespace sbx
