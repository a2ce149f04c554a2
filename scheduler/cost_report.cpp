// Valuing meters and presenting the totals (CostReport).
#include "meter_entry.hpp"

#include "owner_labels.hpp"

#include <algorithm>
#include <cstdio>

namespace sbx {
namespace scheduler {

SandboxCost valued(const meter_entry& entry, std::chrono::system_clock::time_point at) {
  SandboxCost cost = entry.sandbox;
  auto end = cost.ended.value_or(at);
  if (entry.lifetime) end = std::min(end, cost.started + *entry.lifetime);
  cost.billed = billed_duration(entry.price, end - cost.started);
  cost.usd = billed_cost_usd(entry.price, cost.resources, end - cost.started, cost.execs);
  return cost;
}

namespace {

void add(CostTotal& total, const SandboxCost& cost) {
  total.usd += cost.usd;
  total.sandboxes += 1;
  total.running += cost.ended ? 0 : 1;
  total.execs += cost.execs;
  total.billed += cost.billed;
}

}  // namespace

CostReport make_report(const std::vector<meter_entry>& entries, std::chrono::system_clock::time_point at) {
  CostReport report{.at = at};
  report.sandboxes.reserve(entries.size());
  for (const auto& entry : entries) {
    auto cost = valued(entry, at);
    add(report.total, cost);
    add(report.by_backend[cost.candidate], cost);
    for (const auto& [key, value] : cost.labels) add(report.by_label[key + "=" + value], cost);
    report.sandboxes.push_back(std::move(cost));
  }
  return report;
}

env_map reported_labels(const env_map& labels) {
  env_map out;
  for (const auto& [key, value] : labels)
    if (!key.starts_with("sbx.")) out.emplace(key, value);
  return out;
}

}  // namespace scheduler

namespace {

std::string usd(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "$%.6f", value);
  return text;
}

std::string hours(std::chrono::nanoseconds billed) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", std::chrono::duration<double, std::ratio<3600>>(billed).count());
  return text;
}

boost::json::object total_json(const CostTotal& total) {
  return {{"usd", total.usd},
          {"sandboxes", total.sandboxes},
          {"running", total.running},
          {"execs", total.execs},
          {"billed_secs", std::chrono::duration<double>(total.billed).count()}};
}

boost::json::object totals_json(const std::map<std::string, CostTotal>& totals) {
  boost::json::object out;
  for (const auto& [key, total] : totals) out[key] = total_json(total);
  return out;
}

boost::json::object sandbox_json(const SandboxCost& cost) {
  boost::json::object labels;
  for (const auto& [key, value] : cost.labels) labels[key] = value;
  boost::json::object out{{"candidate", cost.candidate},
                          {"backend", cost.backend},
                          {"sandbox_id", cost.sandbox_id},
                          {"cpu", cost.resources.cpu},
                          {"memory_mb", cost.resources.memory_mb},
                          {"labels", std::move(labels)},
                          {"started", detail::format_utc(cost.started)},
                          {"execs", cost.execs},
                          {"billed_secs", std::chrono::duration<double>(cost.billed).count()},
                          {"usd", cost.usd}};
  if (cost.resources.disk_mb) out["disk_mb"] = *cost.resources.disk_mb;
  out["ended"] = cost.ended ? boost::json::value(detail::format_utc(*cost.ended)) : boost::json::value(nullptr);
  return out;
}

// Left-aligned columns separated by two spaces.
std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    text += line + "\n";
  }
  return text;
}

std::vector<std::string> total_row(const std::string& name, const CostTotal& total) {
  return {name, std::to_string(total.sandboxes), std::to_string(total.running), std::to_string(total.execs),
          hours(total.billed), usd(total.usd)};
}

std::string totals_table(const char* heading, const std::map<std::string, CostTotal>& totals) {
  std::vector<std::vector<std::string>> rows{{heading, "sandboxes", "running", "execs", "billed_h", "cost"}};
  for (const auto& [key, total] : totals) rows.push_back(total_row(key, total));
  return table(rows);
}

}  // namespace

boost::json::object CostReport::to_json() const {
  boost::json::array list;
  for (const auto& sandbox : sandboxes) list.push_back(sandbox_json(sandbox));
  return {{"at", detail::format_utc(at)},
          {"total", total_json(total)},
          {"by_backend", totals_json(by_backend)},
          {"by_label", totals_json(by_label)},
          {"sandboxes", std::move(list)}};
}

std::string CostReport::to_text() const {
  std::string text = totals_table("backend", by_backend);
  if (!by_label.empty()) text += "\n" + totals_table("label", by_label);
  text += "\ntotal " + usd(total.usd) + " for " + std::to_string(total.sandboxes) + " sandboxes (" +
          std::to_string(total.running) + " running), " + hours(total.billed) + " billed hours, " +
          std::to_string(total.execs) + " execs, as of " + detail::format_utc(at) + "\n";
  return text;
}

}  // namespace sbx
