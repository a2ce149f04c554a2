// sbx::Router: the placement loop over router_core, and the read-only views.
#include "sbx/router.hpp"

#include "candidate_config.hpp"
#include "failure_kind.hpp"
#include "guarded.hpp"
#include "router_core.hpp"
#include "sbx/errors.hpp"

#include <boost/system/system_error.hpp>

namespace sbx {

using scheduler::grant;
using scheduler::outcome;
using scheduler::verdict;

struct Router::state : scheduler::router_core {
  using router_core::router_core;
};

namespace {

using steady = std::chrono::steady_clock;

// Adds the time since the last mark to the router's placement time.
class placement_clock {
 public:
  explicit placement_clock(RouterStats& stats) : stats_(stats), mark_(steady::now()) {}
  void pause() { stats_.placement_time += steady::now() - mark_; }
  void resume() { mark_ = steady::now(); }

 private:
  RouterStats& stats_;
  steady::time_point mark_;
};

std::string join_reasons(const std::vector<RankedCandidate>& ranked) {
  std::string text;
  for (const auto& c : ranked) {
    if (!text.empty()) text += "; ";
    text += c.name + ": ";
    for (std::size_t i = 0; i < c.reasons.size(); ++i) text += (i ? ", " : "") + c.reasons[i];
  }
  return text;
}

std::vector<scheduler::candidate_facts> facts_of(const std::vector<scheduler::candidate_runtime>& candidates) {
  std::vector<scheduler::candidate_facts> facts;
  facts.reserve(candidates.size());
  for (const auto& c : candidates) facts.push_back(c.facts());
  return facts;
}

scheduler::cost_horizon horizon_of(const RouterOptions& options) {
  return {.lifetime = options.expected_lifetime, .execs = options.expected_execs};
}

[[noreturn]] void refuse_budget(const scheduler::router_core& s, const scheduler::placement& p) {
  const double cap = *s.options.budget_usd;
  const double cheapest = s.minimum_charge(p.order.front(), p.profile);
  throw BudgetExceededError("budget exhausted: the next sandbox would take metered spend past the cap",
                            {.op = "create",
                             .context = {{"budget_usd", std::to_string(cap)},
                                         {"committed_usd", std::to_string(s.committed_usd())},
                                         {"minimum_charge_usd", std::to_string(cheapest)}}});
}

}  // namespace

Router::Router(boost::asio::any_io_executor executor, RouterOptions options)
    : state_(std::make_shared<state>(std::move(executor), std::move(options))) {
  state_->build_candidates(state_);
}

awaitable<Sandbox> Router::create(CreateOptions options, PlacementRequirements requirements) {
  const auto s = state_;
  placement_clock timing(s->stats);
  scheduler::placement p{.profile = scheduler::make_profile(options)};
  const auto facts = facts_of(s->candidates);
  scheduler::placement_order(facts, p.profile, requirements, horizon_of(s->options), p.order);
  if (p.order.empty())
    throw FeatureNotSupportedError("no candidate backend can run this sandbox",
                                   {.op = "create", .context = {{"reasons", join_reasons(rank(options, requirements))}}});
  p.tried.assign(s->candidates.size(), false);

  std::exception_ptr last_error;
  for (;;) {
    grant g;
    auto decision = s->choose(p, g);
    if (decision == verdict::full) {
      timing.pause();
      decision = co_await s->wait_in_queue(p, g);
      timing.resume();
    }
    if (decision == verdict::over_budget) refuse_budget(*s, p);
    if (decision == verdict::unavailable) {
      if (last_error) std::rethrow_exception(last_error);
      throw SandboxCreationError("every candidate able to run this sandbox is unhealthy (circuit open)",
                                 {.op = "create", .retryable = true});
    }

    auto& candidate = s->candidates[g.index];
    const auto started = s->now();
    std::optional<Sandbox> sandbox;
    std::exception_ptr failure;
    timing.pause();
    try {
      sandbox.emplace(co_await candidate.client->create(options));
    } catch (const SandboxError&) {
      failure = std::current_exception();
    } catch (...) {
      s->finish(g, outcome::abandoned);
      throw;
    }
    timing.resume();

    if (sandbox) {
      s->finish(g, outcome::succeeded, s->now() - started, std::nullopt, sandbox->id());
      timing.pause();
      co_return std::move(*sandbox);
    }
    scheduler::failure_kind kind{};
    std::string message;
    try {
      std::rethrow_exception(failure);
    } catch (const SandboxError& e) {
      kind = scheduler::classify_failure(e);
      message = e.what();
    }
    if (!scheduler::fails_over(kind)) {
      s->finish(g, outcome::abandoned);
      std::rethrow_exception(failure);
    }
    s->finish(g, scheduler::counts_against_health(kind) ? outcome::failed : outcome::abandoned, std::nullopt,
              std::string(to_string(kind)) + ": " + message);
    p.tried[g.index] = true;
    last_error = failure;
    ++s->stats.failovers;
  }
}

std::vector<RankedCandidate> Router::rank(const CreateOptions& options,
                                          const PlacementRequirements& requirements) const {
  const auto& s = *state_;
  const auto facts = facts_of(s.candidates);
  auto ranked = scheduler::rank_all(facts, scheduler::make_profile(options), requirements, horizon_of(s.options));
  const auto t = s.now();
  for (auto& entry : ranked)
    for (const auto& c : s.candidates)
      if (c.config.name == entry.name) {
        entry.breaker = c.breaker.state(t);
        entry.at_capacity = !c.has_room();
      }
  return ranked;
}

CostReport Router::costs() const { return state_->meter->report(); }

std::vector<CandidateHealth> Router::health() const {
  const auto t = state_->now();
  std::vector<CandidateHealth> out;
  for (const auto& c : state_->candidates)
    out.push_back({.name = c.config.name,
                   .backend = c.config.backend,
                   .breaker = c.breaker.state(t),
                   .consecutive_failures = c.breaker.consecutive_failures(),
                   .window_failures = c.breaker.window_failures(),
                   .window_size = c.breaker.window_size(),
                   .latency = c.facts().latency,
                   .running = c.occupied(),
                   .creates_in_flight = c.in_flight,
                   .creates_succeeded = c.succeeded,
                   .creates_failed = c.failed,
                   .last_error = c.last_error});
  return out;
}

RouterStats Router::stats() const { return state_->stats; }

awaitable<SweepReport> Router::sweep() {
  const auto s = state_;
  SweepReport total;
  std::exception_ptr first_failure;
  for (auto& c : s->candidates) {
    if (!c.capabilities.sweep) continue;
    try {
      auto report = co_await c.client->sweep();
      s->meter->close_swept(c.config.name, report.removed);
      total.kept += report.kept;
      total.removed.insert(total.removed.end(), report.removed.begin(), report.removed.end());
    } catch (const boost::system::system_error& e) {
      if (detail::is_cancellation(e)) throw;
      if (!first_failure) first_failure = std::current_exception();
    } catch (...) {
      if (!first_failure) first_failure = std::current_exception();
    }
  }
  if (first_failure) std::rethrow_exception(first_failure);
  co_return total;
}

Client Router::client(std::string_view name) const {
  for (const auto& c : state_->candidates)
    if (c.config.name == name) return *c.client;
  throw SandboxConfigurationError("router: no candidate called '" + std::string(name) + "'");
}

const RouterOptions& Router::options() const { return state_->options; }

std::vector<RankedCandidate> rank_candidates(const RouterOptions& options, const CreateOptions& request,
                                             const PlacementRequirements& requirements) {
  const auto resolved = scheduler::resolve_candidates(options);
  std::vector<scheduler::candidate_facts> facts;
  for (const auto& c : resolved) facts.push_back({&c.config, &c.info.capabilities, &c.price, {}});
  return scheduler::rank_all(facts, scheduler::make_profile(request), requirements, horizon_of(options));
}

}  // namespace sbx
