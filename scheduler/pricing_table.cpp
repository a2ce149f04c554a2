// PricingTable and BackendPrice: the embedded table, files and their JSON form.
#include "sbx/pricing.hpp"

#include "json_fields.hpp"
#include "sbx/errors.hpp"

#include <boost/json/parse.hpp>

#include <charconv>
#include <fstream>
#include <sstream>

namespace sbx {
namespace detail {
std::vector<std::string_view> builtin_pricing_sources();  // generated from scheduler/pricing.json
}  // namespace detail

namespace {

[[noreturn]] void bad_pricing(std::string message) {
  throw SandboxConfigurationError("pricing: " + std::move(message));
}

double non_negative(const detail::json_reader& in, std::string_view key, double fallback) {
  const double value = in.number_or(key, fallback);
  if (!(value >= 0)) bad_pricing("key '" + std::string(key) + "' must be a non-negative number");
  return value;
}

std::chrono::seconds seconds_key(const detail::json_reader& in, std::string_view key,
                                 std::chrono::seconds fallback) {
  return std::chrono::seconds(static_cast<std::int64_t>(non_negative(in, key, static_cast<double>(fallback.count()))));
}

boost::json::value optional_json(const std::optional<std::string>& value) {
  if (value) return boost::json::value(*value);
  return nullptr;
}

int parse_int(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return -1;
  return value;
}

}  // namespace

BackendPrice BackendPrice::from_json(const boost::json::object& json, BackendPrice base) {
  const detail::json_reader in{json, "pricing entry"};
  base.vcpu_per_hour_usd = non_negative(in, "vcpu_per_hour_usd", base.vcpu_per_hour_usd);
  base.ram_gib_per_hour_usd = non_negative(in, "ram_gib_per_hour_usd", base.ram_gib_per_hour_usd);
  base.storage_gib_per_month_usd = non_negative(in, "storage_gib_per_month_usd", base.storage_gib_per_month_usd);
  base.per_execution_usd = non_negative(in, "per_execution_usd", base.per_execution_usd);
  base.billing_granularity = seconds_key(in, "billing_granularity_secs", base.billing_granularity);
  base.billing_minimum = seconds_key(in, "billing_minimum_secs", base.billing_minimum);
  if (json.contains("free_tier")) base.free_tier = in.optional_string("free_tier");
  if (json.contains("pricing_url")) base.pricing_url = in.optional_string("pricing_url");
  base.notes = in.string_or("notes", base.notes);
  base.billing_source = in.string_or("billing_source", base.billing_source);
  return base;
}

BackendPrice BackendPrice::from_json(const boost::json::object& json) { return from_json(json, BackendPrice{}); }

boost::json::object BackendPrice::to_json() const {
  return {{"vcpu_per_hour_usd", vcpu_per_hour_usd},
          {"ram_gib_per_hour_usd", ram_gib_per_hour_usd},
          {"storage_gib_per_month_usd", storage_gib_per_month_usd},
          {"per_execution_usd", per_execution_usd},
          {"billing_granularity_secs", billing_granularity.count()},
          {"billing_minimum_secs", billing_minimum.count()},
          {"free_tier", optional_json(free_tier)},
          {"pricing_url", optional_json(pricing_url)},
          {"notes", notes},
          {"billing_source", billing_source}};
}

PricingTable PricingTable::builtin() {
  static const PricingTable table = parse(detail::builtin_pricing_sources().at(0));
  return table;
}

PricingTable PricingTable::parse(std::string_view json) {
  boost::system::error_code ec;
  const auto doc = boost::json::parse(json, ec);
  if (ec || !doc.is_object()) bad_pricing("not a JSON object" + (ec ? ": " + ec.message() : std::string()));
  const detail::json_reader in{doc.get_object(), "pricing"};
  PricingTable table;
  table.last_updated = in.required_string("last_updated");
  table.note = in.string_or("note", "");
  table.source = in.string_or("source", "");
  for (const auto& [name, entry] : in.required_object("backends")) {
    if (!entry.is_object()) bad_pricing("backend '" + std::string(name) + "' must be an object");
    table.backends.emplace(std::string(name), BackendPrice::from_json(entry.get_object()));
  }
  table.age_days(std::chrono::sys_days{});  // validates the date
  return table;
}

PricingTable PricingTable::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SandboxConfigurationError("cannot read pricing file", {.context = {{"path", file.string()}}});
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse(text.str());
  } catch (const SandboxConfigurationError& e) {
    throw SandboxConfigurationError(e.message(), {.context = {{"path", file.string()}}});
  }
}

boost::json::object PricingTable::to_json() const {
  boost::json::object entries;
  for (const auto& [name, price] : backends) entries[name] = price.to_json();
  return {{"last_updated", last_updated}, {"note", note}, {"source", source}, {"backends", std::move(entries)}};
}

const BackendPrice* PricingTable::find(std::string_view backend) const {
  const auto it = backends.find(std::string(backend));
  return it == backends.end() ? nullptr : &it->second;
}

int PricingTable::age_days(std::chrono::sys_days today) const {
  const std::string_view text = last_updated;
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
  const int y = shaped ? parse_int(text.substr(0, 4)) : -1;
  const int m = shaped ? parse_int(text.substr(5, 2)) : -1;
  const int d = shaped ? parse_int(text.substr(8, 2)) : -1;
  const std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                                         std::chrono::day(static_cast<unsigned>(d))};
  if (y < 0 || m < 0 || d < 0 || !date.ok()) bad_pricing("last_updated '" + last_updated + "' is not YYYY-MM-DD");
  return static_cast<int>((today - std::chrono::sys_days(date)).count());
}

std::optional<std::string> pricing_staleness_warning(const PricingTable& table, std::chrono::sys_days today,
                                                     int max_age_days) {
  const int age = table.age_days(today);
  if (age <= max_age_days) return std::nullopt;
  return "pricing table dated " + table.last_updated + " is " + std::to_string(age) +
         " days old (more than " + std::to_string(max_age_days) +
         "); costs may be wrong: pass a newer table (pricing_file / --pricing)";
}

std::chrono::sys_days utc_today() {
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
}

}  // namespace sbx
