#include "fakes/common/faults.hpp"

#include <charconv>
#include <stdexcept>

namespace sbx_fake {
namespace {

namespace json = boost::json;

double rate(const json::object& object, std::string_view key, double fallback) {
  const auto* value = object.if_contains(key);
  if (!value) return fallback;
  if (!value->is_number()) throw std::invalid_argument(std::string(key) + " must be a number");
  const double r = value->to_number<double>();
  if (r < 0 || r > 1) throw std::invalid_argument(std::string(key) + " must be within [0, 1]");
  return r;
}

std::uint64_t unsigned_field(const json::object& object, std::string_view key, std::uint64_t fallback) {
  const auto* value = object.if_contains(key);
  if (!value) return fallback;
  if (!value->is_number() || value->to_number<double>() < 0)
    throw std::invalid_argument(std::string(key) + " must be a non-negative number");
  return static_cast<std::uint64_t>(value->to_number<double>());
}

}  // namespace

std::string_view to_string(fault_kind kind) noexcept {
  switch (kind) {
    case fault_kind::none: return "none";
    case fault_kind::rate_limited: return "429";
    case fault_kind::server_error: return "5xx";
    case fault_kind::reset: return "reset";
    case fault_kind::drop: return "drop";
    case fault_kind::hang: return "hang";
  }
  return "none";
}

fault_kind parse_fault_kind(std::string_view text) {
  for (const auto kind : {fault_kind::none, fault_kind::rate_limited, fault_kind::server_error,
                          fault_kind::reset, fault_kind::drop, fault_kind::hang})
    if (to_string(kind) == text) return kind;
  throw std::invalid_argument("unknown fault '" + std::string(text) + "' (use 429, 5xx, reset, drop, hang)");
}

fault_config fault_config::from_json(const json::object& object) {
  fault_config c;
  c.latency = std::chrono::milliseconds(unsigned_field(object, "latency_ms", 0));
  c.rate_429 = rate(object, "rate_429", 0);
  c.rate_5xx = rate(object, "rate_5xx", 0);
  c.rate_reset = rate(object, "rate_reset", 0);
  c.rate_drop = rate(object, "rate_drop", 0);
  c.rate_hang = rate(object, "rate_hang", 0);
  c.status_5xx = static_cast<unsigned>(unsigned_field(object, "status_5xx", 503));
  if (c.status_5xx < 500 || c.status_5xx > 599) throw std::invalid_argument("status_5xx must be 5xx");
  if (const auto* v = object.if_contains("retry_after")) {
    if (!v->is_string()) throw std::invalid_argument("retry_after must be a string");
    c.retry_after = v->as_string();
  }
  if (const auto* v = object.if_contains("nth")) {
    if (!v->is_object()) throw std::invalid_argument("nth must be an object");
    for (const auto& [key, kind] : v->as_object()) {
      std::uint64_t n = 0;
      const auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), n);
      if (ec != std::errc{} || ptr != key.data() + key.size() || n == 0)
        throw std::invalid_argument("nth keys must be positive integers");
      if (!kind.is_string()) throw std::invalid_argument("nth values must be fault names");
      c.on_nth[n] = parse_fault_kind(kind.as_string());
    }
  }
  if (const auto* v = object.if_contains("paths")) {
    if (!v->is_array()) throw std::invalid_argument("paths must be an array of strings");
    for (const auto& p : v->as_array()) {
      if (!p.is_string()) throw std::invalid_argument("paths must be an array of strings");
      c.paths.emplace_back(p.as_string());
    }
  }
  c.seed = unsigned_field(object, "seed", 1);
  if (c.rate_429 + c.rate_5xx + c.rate_reset + c.rate_drop + c.rate_hang > 1)
    throw std::invalid_argument("the fault rates add up to more than 1");
  return c;
}

json::object fault_config::to_json() const {
  json::object nth;
  for (const auto& [n, kind] : on_nth) nth[std::to_string(n)] = to_string(kind);
  json::array path_list;
  for (const auto& p : paths) path_list.emplace_back(p);
  return {
      {"latency_ms", latency.count()}, {"rate_429", rate_429},     {"rate_5xx", rate_5xx},
      {"status_5xx", status_5xx},       {"rate_reset", rate_reset}, {"rate_drop", rate_drop},
      {"rate_hang", rate_hang},
      {"retry_after", retry_after},     {"nth", std::move(nth)},    {"paths", std::move(path_list)},
      {"seed", seed},
  };
}

void fault_injector::configure(fault_config config) {
  config_ = std::move(config);
  rng_.seed(config_.seed);
  seen_ = 0;
}

bool fault_injector::affects(std::string_view path) const {
  if (config_.paths.empty()) return true;
  for (const auto& prefix : config_.paths)
    if (path.substr(0, prefix.size()) == prefix) return true;
  return false;
}

fault_kind fault_injector::decide() {
  ++seen_;
  fault_kind kind = fault_kind::none;
  if (const auto it = config_.on_nth.find(seen_); it != config_.on_nth.end()) {
    kind = it->second;
  } else {
    double draw = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    const std::pair<double, fault_kind> bands[] = {{config_.rate_429, fault_kind::rate_limited},
                                                   {config_.rate_5xx, fault_kind::server_error},
                                                   {config_.rate_reset, fault_kind::reset},
                                                   {config_.rate_drop, fault_kind::drop},
                                                   {config_.rate_hang, fault_kind::hang}};
    for (const auto& [r, k] : bands) {
      if (draw < r) {
        kind = k;
        break;
      }
      draw -= r;
    }
  }
  switch (kind) {
    case fault_kind::rate_limited: ++counters_.rate_limited; break;
    case fault_kind::server_error: ++counters_.server_error; break;
    case fault_kind::reset: ++counters_.reset; break;
    case fault_kind::drop: ++counters_.drop; break;
    case fault_kind::hang: ++counters_.hang; break;
    case fault_kind::none: break;
  }
  return kind;
}

json::object fault_injector::counters_json() const {
  return {{"429", counters_.rate_limited},
          {"5xx", counters_.server_error},
          {"reset", counters_.reset},
          {"drop", counters_.drop},
          {"hang", counters_.hang}};
}

}  // namespace sbx_fake
