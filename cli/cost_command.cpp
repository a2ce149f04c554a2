// sbx cost (--journal FILE | --router CONFIG) [--json]
#include "command_args.hpp"
#include "commands.hpp"

#include "sbx/cost.hpp"
#include "sbx/router.hpp"

#include <boost/json/serialize.hpp>
#include <boost/program_options/value_semantic.hpp>

#include <iostream>

namespace sbx::cli {

int cost_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  std::string journal;
  std::string router_file;
  bool json = false;
  command_spec spec{
      .usage = "sbx cost (--journal FILE | --router CONFIG) [--json]",
      .description =
          "Totals the costs recorded in a cost journal: per router candidate, per label and\n"
          "overall. A router writes one when its config has \"journal\": \"FILE\" (one JSON line\n"
          "per create, exec and destroy; several runs may append to one file). Sandboxes with\n"
          "no destroy in the journal are still running (or leaked) and are valued up to now.\n"
          "  sbx fanout --router router.json -n 100 -- echo hi && sbx cost --router router.json"};
  spec.options.add_options()
      ("journal", po::value(&journal)->value_name("FILE"), "the cost journal to read")
      ("router", po::value(&router_file)->value_name("CONFIG"), "read the journal named by this router config")
      ("json", po::bool_switch(&json), "print the report as JSON, with every sandbox's meter");
  const auto line = parse_command_line(args, spec);
  if (line.help) {
    print_help(spec);
    return 0;
  }
  if (journal.empty() == router_file.empty()) throw usage_error("give either --journal or --router");
  if (!router_file.empty()) {
    const auto options = RouterOptions::load(router_file);
    if (!options.journal) throw usage_error("the router config has no \"journal\"");
    journal = options.journal->string();
  }
  const auto report = read_cost_journal(journal);
  if (json)
    std::cout << boost::json::serialize(report.to_json()) << "\n";
  else
    std::cout << report.to_text();
  return 0;
}

}  // namespace sbx::cli
