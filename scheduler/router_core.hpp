// The router's shared state: candidates, admission, the FIFO queue and the budget
// (internal). Use from the router's executor only.
#pragma once

#include "circuit_breaker.hpp"
#include "ranking.hpp"
#include "request_profile.hpp"
#include "sbx/client.hpp"
#include "sbx/cost.hpp"
#include "sbx/router.hpp"

#include <boost/asio/steady_timer.hpp>

#include <list>
#include <memory>
#include <optional>
#include <unordered_set>
#include <string>
#include <vector>

namespace sbx::scheduler {

/// One candidate with its client, health and load.
struct candidate_runtime {
  RouterBackend config;  // name filled in
  Capabilities capabilities;
  BackendPrice price;
  std::optional<Client> client;  // over a metered_driver; set once the core is shared
  circuit_breaker breaker;
  std::optional<double> latency_ns;  // create-latency EWMA
  std::size_t live = 0;              // sandboxes created and not yet released
  std::size_t in_flight = 0;         // creates running
  // Sandboxes the provider made whose create is still running (setup steps): counted
  // in both `live` and `in_flight` until the create finishes or the sandbox is released.
  std::unordered_set<std::string> creating;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  std::optional<std::string> last_error;

  /// Sandboxes alive or being created, each counted once.
  std::size_t occupied() const { return live + in_flight - creating.size(); }
  /// True when one more create stays within max_running and max_creates_in_flight.
  bool has_room() const;
  candidate_facts facts() const;
};

/// One create's search: its candidates in placement order and those already tried.
struct placement {
  request_profile profile;
  std::vector<std::size_t> order;
  std::vector<bool> tried;
};

/// A slot on a candidate, held from the grant until finish().
struct grant {
  std::size_t index = 0;
  breaker_ticket ticket;
  double reserved_usd = 0;  // the minimum charge held against the budget
};

/// What choose() decided.
enum class verdict { granted, full, over_budget, unavailable };

/// How a granted create ended.
enum class outcome { succeeded, failed, abandoned };

class router_core {
 public:
  router_core(boost::asio::any_io_executor executor, RouterOptions options);

  /// Builds the candidates' clients; `self` is this core, shared. Errors:
  /// SandboxConfigurationError (unknown backend, duplicate name, missing price).
  void build_candidates(const std::shared_ptr<router_core>& self);

  /// The first untried candidate of `p` with a closed (or probing) breaker, room and
  /// budget: reserves its slot, budget and breaker ticket.
  verdict choose(const placement& p, grant& out);
  /// Waits in the FIFO queue until dispatch() settles this request. Cancellation: the
  /// request leaves the queue (operation_aborted).
  awaitable<verdict> wait_in_queue(const placement& p, grant& out);
  /// Releases a grant's slot and reservation, tells the breaker, wakes waiters.
  /// `sandbox_id`: the sandbox a succeeded create returned.
  void finish(const grant& g, outcome result, std::optional<std::chrono::nanoseconds> latency = std::nullopt,
              std::optional<std::string> error = std::nullopt, const std::string& sandbox_id = {});

  /// A candidate's metered driver created sandbox `id` (its create still runs) /
  /// released it (destroyed or dropped).
  void sandbox_started(std::size_t index, const std::string& id);
  void sandbox_released(std::size_t index, const std::string& id);

  std::chrono::system_clock::time_point now() const;
  /// The smallest bill of `profile` on candidate `index`.
  double minimum_charge(std::size_t index, const request_profile& profile) const;
  /// Metered spend plus the charges reserved by creates in flight.
  double committed_usd() const;

  boost::asio::any_io_executor executor;
  RouterOptions options;
  std::shared_ptr<CostMeter> meter;
  std::vector<candidate_runtime> candidates;
  RouterStats stats;

 private:
  struct waiter {
    const placement* request;
    grant* slot;
    boost::asio::steady_timer timer;
    std::optional<verdict> result;
    bool queued = false;  // in queue_ at `position`
    std::list<waiter*>::iterator position;
  };
  /// Takes a waiter out of the queue when its coroutine ends without being settled
  /// (cancelled, or its frame destroyed with the io_context).
  struct queue_exit {
    router_core& core;
    waiter& w;
    ~queue_exit();
  };

  bool budget_allows(std::size_t index, const request_profile& profile) const;
  bool anyone_has_room() const;
  /// Settles queued requests in FIFO order while capacity lasts; `every` scans the
  /// whole queue (after a breaker opened, some may have nothing left to wait for).
  void dispatch(bool every = false);
  void arm_cooldown_timer();

  std::list<waiter*> queue_;
  boost::asio::steady_timer cooldown_timer_;
  bool cooldown_armed_ = false;
  double reserved_usd_ = 0;
  std::size_t in_flight_ = 0;  // over all candidates
  std::weak_ptr<router_core> self_;
};

}  // namespace sbx::scheduler
