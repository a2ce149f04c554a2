#include "router_core.hpp"

#include "candidate_config.hpp"
#include "log.hpp"
#include "metered_driver.hpp"
#include "sbx/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>

namespace sbx::scheduler {
namespace {

// Floating-point slack of the budget comparison, relative to the cap.
constexpr double budget_tolerance = 1e-12;

// Meters one candidate's sandboxes and reports them to the core (if it still exists).
class candidate_listener final : public usage_listener {
 public:
  candidate_listener(std::weak_ptr<router_core> core, std::size_t index, std::shared_ptr<CostMeter> meter,
                     std::string candidate, std::string backend, BackendPrice price, bool lifetime_backstop)
      : core_(std::move(core)),
        index_(index),
        meter_(std::move(meter)),
        candidate_(std::move(candidate)),
        backend_(std::move(backend)),
        price_(std::move(price)),
        lifetime_backstop_(lifetime_backstop) {}

  CostMeter::entry_id created(const SandboxSession& session, const ResolvedOptions& options) override {
    if (const auto core = core_.lock()) core->sandbox_started(index_, session.id());
    std::optional<std::chrono::seconds> lifetime;
    if (lifetime_backstop_) lifetime = std::chrono::seconds(options.timeout_secs);
    return meter_->open({.candidate = candidate_,
                         .backend = backend_,
                         .sandbox_id = session.id(),
                         .resources = {.cpu = options.cpu, .memory_mb = options.memory_mb, .disk_mb = options.disk_mb},
                         .labels = options.labels},
                        price_, lifetime);
  }
  void exec_started(CostMeter::entry_id meter) override { meter_->record_exec(meter); }
  void destroyed(CostMeter::entry_id meter) override { meter_->close(meter); }
  void released(CostMeter::entry_id, const std::string& sandbox_id) override {
    if (const auto core = core_.lock()) core->sandbox_released(index_, sandbox_id);
  }

 private:
  std::weak_ptr<router_core> core_;
  std::size_t index_;
  std::shared_ptr<CostMeter> meter_;
  std::string candidate_;
  std::string backend_;
  BackendPrice price_;
  bool lifetime_backstop_;
};

}  // namespace

bool candidate_runtime::has_room() const {
  return (config.max_running == 0 || occupied() < config.max_running) &&
         (config.max_creates_in_flight == 0 || in_flight < config.max_creates_in_flight);
}

candidate_facts candidate_runtime::facts() const {
  std::optional<std::chrono::nanoseconds> latency;
  if (latency_ns) latency = std::chrono::nanoseconds(static_cast<std::int64_t>(*latency_ns));
  return {.config = &config, .capabilities = &capabilities, .price = &price, .latency = latency};
}

router_core::router_core(boost::asio::any_io_executor ex, RouterOptions opts)
    : executor(ex),
      options(std::move(opts)),
      meter(std::make_shared<CostMeter>(options.clock)),
      cooldown_timer_(ex) {
  if (options.journal) meter->set_journal(*options.journal);
  const auto today = std::chrono::floor<std::chrono::days>(now());
  if (const auto warning = pricing_staleness_warning(options.pricing, today, options.pricing_max_age_days))
    detail::log(log_level::warning, *warning);
}

void router_core::build_candidates(const std::shared_ptr<router_core>& self) {
  self_ = self;
  auto resolved = resolve_candidates(options);
  candidates.reserve(resolved.size());
  for (std::size_t i = 0; i < resolved.size(); ++i) {
    auto& [config, info, price] = resolved[i];
    auto inner = info.factory(executor, config.client);
    const Capabilities caps = inner->capabilities();
    auto listener = std::make_shared<candidate_listener>(self, i, meter, config.name, info.name, price,
                                                         caps.lifetime_backstop);
    auto driver = std::make_shared<metered_driver>(std::move(inner), std::move(listener));
    candidate_runtime runtime{.config = config, .capabilities = caps, .price = price, .breaker = circuit_breaker(options.breaker)};
    runtime.client = Client::from_driver(executor, std::move(driver), config.client);
    candidates.push_back(std::move(runtime));
  }
}

std::chrono::system_clock::time_point router_core::now() const { return meter->now(); }

double router_core::minimum_charge(std::size_t index, const request_profile& profile) const {
  return minimum_charge_usd(candidates[index].price, profile.resources);
}

double router_core::committed_usd() const { return meter->spent_usd() + reserved_usd_; }

bool router_core::budget_allows(std::size_t index, const request_profile& profile) const {
  if (!options.budget_usd) return true;
  const double cap = *options.budget_usd;
  return committed_usd() + minimum_charge(index, profile) <= cap + cap * budget_tolerance;
}

verdict router_core::choose(const placement& p, grant& out) {
  const auto t = now();
  bool full = false;
  bool over_budget = false;
  for (const auto i : p.order) {
    if (p.tried[i]) continue;
    auto& c = candidates[i];
    if (!c.breaker.would_allow(t)) continue;
    if (!c.has_room()) {
      full = true;
      continue;
    }
    if (!budget_allows(i, p.profile)) {
      over_budget = true;
      continue;
    }
    out = {.index = i,
           .ticket = c.breaker.acquire(t),
           .reserved_usd = options.budget_usd ? minimum_charge(i, p.profile) : 0.0};
    ++c.in_flight;
    ++in_flight_;
    reserved_usd_ += out.reserved_usd;
    ++stats.placements;
    return verdict::granted;
  }
  if (full) return verdict::full;
  return over_budget ? verdict::over_budget : verdict::unavailable;
}

router_core::queue_exit::~queue_exit() {
  if (w.queued) core.queue_.erase(w.position);
}

awaitable<verdict> router_core::wait_in_queue(const placement& p, grant& out) {
  waiter w{.request = &p,
           .slot = &out,
           .timer = boost::asio::steady_timer(executor, std::chrono::steady_clock::time_point::max())};
  w.position = queue_.insert(queue_.end(), &w);
  w.queued = true;
  const queue_exit leave_queue{*this, w};
  ++stats.queued;
  arm_cooldown_timer();
  co_await w.timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  if (w.result) co_return *w.result;
  throw boost::system::system_error(boost::asio::error::operation_aborted);
}

void router_core::finish(const grant& g, outcome result, std::optional<std::chrono::nanoseconds> latency,
                         std::optional<std::string> error, const std::string& sandbox_id) {
  auto& c = candidates[g.index];
  c.creating.erase(sandbox_id);
  --c.in_flight;
  --in_flight_;
  reserved_usd_ = in_flight_ == 0 ? 0.0 : reserved_usd_ - g.reserved_usd;
  bool tripped = false;
  switch (result) {
    case outcome::succeeded:
      c.breaker.succeeded(g.ticket);
      ++c.succeeded;
      if (latency) {
        const double sample = static_cast<double>(latency->count());
        c.latency_ns = c.latency_ns ? options.latency_alpha * sample + (1 - options.latency_alpha) * *c.latency_ns : sample;
      }
      break;
    case outcome::failed: {
      const bool was_open = c.breaker.half_opens_at().has_value();
      c.breaker.failed(g.ticket, now());
      ++c.failed;
      c.last_error = std::move(error);
      tripped = !was_open && c.breaker.half_opens_at().has_value();
      break;
    }
    case outcome::abandoned:
      c.breaker.abandoned(g.ticket);
      break;
  }
  dispatch(tripped);
}

void router_core::sandbox_started(std::size_t index, const std::string& id) {
  ++candidates[index].live;
  candidates[index].creating.insert(id);
}

void router_core::sandbox_released(std::size_t index, const std::string& id) {
  --candidates[index].live;
  candidates[index].creating.erase(id);
  dispatch();
}

bool router_core::anyone_has_room() const {
  const auto t = now();
  return std::any_of(candidates.begin(), candidates.end(),
                     [&](const candidate_runtime& c) { return c.has_room() && c.breaker.would_allow(t); });
}

void router_core::dispatch(bool every) {
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (!every && !anyone_has_room()) break;
    waiter* w = *it;
    const auto result = choose(*w->request, *w->slot);
    if (result == verdict::full) {
      ++it;
      continue;
    }
    w->result = result;
    w->queued = false;
    w->timer.cancel();
    it = queue_.erase(it);
  }
  arm_cooldown_timer();
}

void router_core::arm_cooldown_timer() {
  if (cooldown_armed_ || queue_.empty()) return;
  const auto t = now();
  std::optional<std::chrono::system_clock::time_point> earliest;
  for (const auto& c : candidates)
    if (const auto at = c.breaker.half_opens_at(); at && *at > t && (!earliest || *at < *earliest)) earliest = at;
  if (!earliest) return;
  cooldown_armed_ = true;
  cooldown_timer_.expires_after(*earliest - t);
  cooldown_timer_.async_wait([weak = self_](const boost::system::error_code& ec) {
    if (ec) return;
    if (const auto self = weak.lock()) {
      self->cooldown_armed_ = false;
      self->dispatch(true);
    }
  });
}

}  // namespace sbx::scheduler
