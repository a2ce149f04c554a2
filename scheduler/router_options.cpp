// RouterOptions from its JSON form.
#include "sbx/router.hpp"

#include "json_fields.hpp"
#include "sbx/errors.hpp"
#include "sbx/registry.hpp"
#include "toml_config.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <sstream>

namespace sbx {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void bad_config(std::string_view where, std::string problem) {
  throw SandboxConfigurationError(std::string(where) + ": " + std::move(problem));
}

void reject_unknown_keys(const boost::json::object& object, std::string_view where,
                         std::initializer_list<std::string_view> known) {
  for (const auto& entry : object)
    if (std::find(known.begin(), known.end(), entry.key()) == known.end())
      bad_config(where, "unknown key '" + std::string(entry.key()) + "'");
}

// A number that must be a whole count >= 0.
std::optional<std::uint64_t> count(const detail::json_reader& in, std::string_view key) {
  const auto value = in.optional_number(key);
  if (!value) return std::nullopt;
  if (*value < 0 || *value != static_cast<double>(static_cast<std::uint64_t>(*value)))
    bad_config(in.what, "key '" + std::string(key) + "' must be a whole number >= 0");
  return static_cast<std::uint64_t>(*value);
}

std::optional<std::chrono::milliseconds> milliseconds(const detail::json_reader& in, std::string_view key) {
  if (const auto value = count(in, key)) return std::chrono::milliseconds(*value);
  return std::nullopt;
}

fs::path resolve(const fs::path& base_dir, const std::string& path) {
  const fs::path p(path);
  return p.is_absolute() || base_dir.empty() ? p : base_dir / p;
}

BreakerOptions parse_breaker(const boost::json::object& json) {
  constexpr std::string_view where = "router config breaker";
  reject_unknown_keys(json, where, {"consecutive_failures", "failure_rate", "window", "min_samples", "cooldown_ms"});
  const detail::json_reader in{json, where};
  BreakerOptions b;
  b.consecutive_failures = count(in, "consecutive_failures").value_or(b.consecutive_failures);
  b.failure_rate = in.number_or("failure_rate", b.failure_rate);
  if (b.failure_rate < 0 || b.failure_rate > 1) bad_config(where, "failure_rate must be within [0, 1]");
  b.window = count(in, "window").value_or(b.window);
  b.min_samples = count(in, "min_samples").value_or(b.min_samples);
  b.cooldown = milliseconds(in, "cooldown_ms").value_or(b.cooldown);
  return b;
}

RouterBackend parse_backend(const boost::json::value& value, std::size_t index, const PricingTable& pricing) {
  const std::string where = "router config backends[" + std::to_string(index) + "]";
  if (!value.is_object()) bad_config(where, "must be an object");
  const auto& json = value.get_object();
  reject_unknown_keys(json, where,
                      {"name", "backend", "driver_options", "create_timeout_ms", "exec_timeout_ms", "max_running",
                       "max_creates_in_flight", "price", "max_cpu", "max_memory_mb", "languages", "region", "labels"});
  const detail::json_reader in{json, where};
  RouterBackend b;
  b.backend = in.required_string("backend");
  b.name = in.string_or("name", "");
  if (json.contains("driver_options")) b.client.driver_options = in.required_object("driver_options");
  b.client.create_timeout = milliseconds(in, "create_timeout_ms").value_or(b.client.create_timeout);
  b.client.exec_timeout = milliseconds(in, "exec_timeout_ms");
  b.max_running = count(in, "max_running").value_or(0);
  b.max_creates_in_flight = count(in, "max_creates_in_flight").value_or(0);
  if (json.contains("price")) {
    const BackendPrice* listed = pricing.find(normalize_backend_name(b.backend));
    b.price = BackendPrice::from_json(in.required_object("price"), listed ? *listed : BackendPrice{});
  }
  b.max_cpu = in.optional_number("max_cpu");
  if (const auto memory = count(in, "max_memory_mb")) b.max_memory_mb = static_cast<int>(*memory);
  b.languages = in.string_list("languages");
  b.region = in.optional_string("region");
  b.labels = in.string_map("labels");
  return b;
}

}  // namespace

RouterOptions RouterOptions::parse(std::string_view json, const fs::path& base_dir) {
  constexpr std::string_view where = "router config";
  boost::system::error_code ec;
  const auto doc = boost::json::parse(json, ec);
  if (ec || !doc.is_object()) bad_config(where, "not a JSON object" + (ec ? ": " + ec.message() : std::string()));
  const auto& root = doc.get_object();
  reject_unknown_keys(root, where,
                      {"backends", "pricing_file", "pricing_max_age_days", "budget_usd", "breaker", "latency_alpha",
                       "expected_lifetime_secs", "expected_execs", "journal"});
  const detail::json_reader in{root, where};
  RouterOptions o;
  if (const auto file = in.optional_string("pricing_file")) o.pricing = PricingTable::load(resolve(base_dir, *file));
  o.pricing_max_age_days = static_cast<int>(count(in, "pricing_max_age_days").value_or(o.pricing_max_age_days));
  o.budget_usd = in.optional_number("budget_usd");
  if (o.budget_usd && *o.budget_usd < 0) bad_config(where, "budget_usd must be >= 0");
  if (root.contains("breaker")) o.breaker = parse_breaker(in.required_object("breaker"));
  o.latency_alpha = in.number_or("latency_alpha", o.latency_alpha);
  if (!(o.latency_alpha > 0 && o.latency_alpha <= 1)) bad_config(where, "latency_alpha must be within (0, 1]");
  if (const auto secs = count(in, "expected_lifetime_secs")) o.expected_lifetime = std::chrono::seconds(*secs);
  o.expected_execs = count(in, "expected_execs").value_or(o.expected_execs);
  if (const auto journal = in.optional_string("journal")) o.journal = resolve(base_dir, *journal);
  const auto* backends = root.if_contains("backends");
  if (!backends || !backends->is_array()) bad_config(where, "key 'backends' must be a list of candidates");
  for (std::size_t i = 0; i < backends->get_array().size(); ++i)
    o.backends.push_back(parse_backend(backends->get_array()[i], i, o.pricing));
  return o;
}

RouterOptions RouterOptions::load(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SandboxConfigurationError("cannot read router config", {.context = {{"path", file.string()}}});
  std::ostringstream text;
  text << in.rdbuf();
  if (file.extension() == ".toml")
    return parse(boost::json::serialize(scheduler::toml_to_json(text.str(), file.string())), file.parent_path());
  return parse(text.str(), file.parent_path());
}

}  // namespace sbx
