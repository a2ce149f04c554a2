// CostMeter: open, exec and close events of sandboxes, valued on demand.
#include "sbx/cost.hpp"

#include "cost_journal.hpp"
#include "meter_entry.hpp"
#include "owner_labels.hpp"

#include <mutex>
#include <optional>
#include <unordered_set>

namespace sbx {

struct CostMeter::state {
  clock_function clock;
  mutable std::mutex mutex;
  std::vector<scheduler::meter_entry> entries;  // indexed by entry_id
  std::unordered_set<entry_id> open;
  double closed_usd = 0;
  std::optional<scheduler::cost_journal_writer> journal;
  std::string name = detail::random_hex(16);  // tells this meter's journal lines apart

  std::chrono::system_clock::time_point now() const {
    return clock ? clock() : std::chrono::system_clock::now();
  }
};

CostMeter::CostMeter(clock_function clock) : state_(std::make_unique<state>()) {
  state_->clock = std::move(clock);
}

CostMeter::~CostMeter() = default;

void CostMeter::set_journal(const std::filesystem::path& file) {
  std::lock_guard lock(state_->mutex);
  state_->journal.emplace(file, state_->name);
}

CostMeter::entry_id CostMeter::open(SandboxCost sandbox, const BackendPrice& price,
                                    std::optional<std::chrono::seconds> lifetime) {
  auto& s = *state_;
  std::lock_guard lock(s.mutex);
  sandbox.started = s.now();
  sandbox.ended.reset();
  sandbox.labels = scheduler::reported_labels(sandbox.labels);
  const entry_id id = s.entries.size();
  s.entries.push_back({.sandbox = std::move(sandbox), .price = price, .lifetime = lifetime});
  s.open.insert(id);
  if (s.journal) s.journal->opened(id, s.entries.back());
  return id;
}

void CostMeter::record_exec(entry_id id) {
  auto& s = *state_;
  std::lock_guard lock(s.mutex);
  if (!s.open.contains(id)) return;
  ++s.entries[id].sandbox.execs;
  if (s.journal) s.journal->exec(id, s.now());
}

void CostMeter::close(entry_id id) {
  auto& s = *state_;
  std::lock_guard lock(s.mutex);
  if (s.open.erase(id) == 0) return;
  auto& entry = s.entries[id];
  entry.sandbox.ended = s.now();
  s.closed_usd += scheduler::valued(entry, *entry.sandbox.ended).usd;
  if (s.journal) s.journal->closed(id, *entry.sandbox.ended);
}

std::size_t CostMeter::close_swept(std::string_view candidate, const std::vector<std::string>& ids) {
  std::vector<entry_id> swept;
  {
    std::lock_guard lock(state_->mutex);
    const std::unordered_set<std::string> removed(ids.begin(), ids.end());
    for (const auto id : state_->open) {
      const auto& sandbox = state_->entries[id].sandbox;
      if (sandbox.candidate == candidate && removed.contains(sandbox.sandbox_id)) swept.push_back(id);
    }
  }
  for (const auto id : swept) close(id);
  return swept.size();
}

double CostMeter::spent_usd() const {
  const auto& s = *state_;
  std::lock_guard lock(s.mutex);
  const auto now = s.now();
  double total = s.closed_usd;
  for (const auto id : s.open) total += scheduler::valued(s.entries[id], now).usd;
  return total;
}

CostReport CostMeter::report() const {
  const auto& s = *state_;
  std::lock_guard lock(s.mutex);
  return scheduler::make_report(s.entries, s.now());
}

std::chrono::system_clock::time_point CostMeter::now() const { return state_->now(); }

}  // namespace sbx
