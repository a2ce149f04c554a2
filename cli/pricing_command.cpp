// sbx pricing [--pricing FILE] [--max-age-days N] [--json]
#include "command_args.hpp"
#include "commands.hpp"
#include "text_table.hpp"

#include "sbx/pricing.hpp"

#include <boost/json/serialize.hpp>
#include <boost/program_options/value_semantic.hpp>

#include <cstdio>
#include <iostream>

namespace sbx::cli {

namespace {

std::string usd(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "$%.4g", value);
  return text;
}

std::string billing(const BackendPrice& price) {
  auto text = price.billing_granularity.count() == 0 ? std::string("exact")
                                                     : "per " + std::to_string(price.billing_granularity.count()) + " s";
  if (price.billing_minimum.count() > 0) text += ", min " + std::to_string(price.billing_minimum.count()) + " s";
  return text;
}

std::string price_table(const PricingTable& table) {
  std::vector<std::vector<std::string>> rows{
      {"backend", "vCPU/h", "GiB RAM/h", "GiB disk/month", "per exec", "billing", "1 vCPU+1 GiB/h", "free tier"}};
  for (const auto& [name, price] : table.backends)
    rows.push_back({name, usd(price.vcpu_per_hour_usd), usd(price.ram_gib_per_hour_usd),
                    usd(price.storage_gib_per_month_usd), usd(price.per_execution_usd), billing(price),
                    usd(hourly_cost_usd(price, {.cpu = 1, .memory_mb = 1024})), price.free_tier.value_or("–")});
  return format_table(rows);
}

}  // namespace

int pricing_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  std::string file;
  int max_age_days = default_pricing_max_age_days;
  bool json = false;
  command_spec spec{
      .usage = "sbx pricing [--pricing FILE] [--max-age-days N] [--json]",
      .description =
          "Prints the price table the router ranks and meters with: per vCPU-hour, per GiB of RAM\n"
          "per hour, per GiB of disk per month, per exec, billing granularity and minimum. The\n"
          "built-in table holds the Python original's figures; --pricing reads another file of\n"
          "the same JSON form. A table older than --max-age-days (default 90) gets a warning\n"
          "on stderr."};
  spec.options.add_options()
      ("pricing", po::value(&file)->value_name("FILE"), "price table to show instead of the built-in one")
      ("max-age-days", po::value(&max_age_days)->value_name("N"), "warn when the table is older (default 90)")
      ("json", po::bool_switch(&json), "print the table as JSON (the --pricing file format)");
  const auto line = parse_command_line(args, spec);
  if (line.help) {
    print_help(spec);
    return 0;
  }
  const auto table = file.empty() ? PricingTable::builtin() : PricingTable::load(file);
  const auto today = utc_today();
  if (const auto warning = pricing_staleness_warning(table, today, max_age_days))
    std::cerr << "sbx pricing: warning: " << *warning << "\n";
  if (json) {
    auto out = table.to_json();
    out["age_days"] = table.age_days(today);
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  std::cout << "Prices as of " << table.last_updated << " (" << table.age_days(today) << " days ago), USD. "
            << table.note << "\n\n"
            << price_table(table) << "\nSource: " << table.source << "\n";
  return 0;
}

}  // namespace sbx::cli
