// sbx backends [--json]
#include "command_args.hpp"
#include "commands.hpp"
#include "text_table.hpp"

#include "sbx/registry.hpp"

#include <boost/json/serialize.hpp>
#include <boost/program_options/value_semantic.hpp>

#include <array>
#include <iostream>

namespace sbx::cli {

namespace {

struct capability_field {
  const char* name;
  bool Capabilities::*flag;
};

// Every flag of Capabilities, in declaration order.
constexpr std::array<capability_field, 16> capability_fields{{
    {"isolated", &Capabilities::isolated},
    {"network_control", &Capabilities::network_control},
    {"cpu_limit", &Capabilities::cpu_limit},
    {"memory_limit", &Capabilities::memory_limit},
    {"disk_limit", &Capabilities::disk_limit},
    {"gpu", &Capabilities::gpu},
    {"images", &Capabilities::images},
    {"templates", &Capabilities::templates},
    {"snapshots", &Capabilities::snapshots},
    {"resume", &Capabilities::resume},
    {"separate_stderr", &Capabilities::separate_stderr},
    {"streaming", &Capabilities::streaming},
    {"lifetime_backstop", &Capabilities::lifetime_backstop},
    {"sweep", &Capabilities::sweep},
    {"ports", &Capabilities::ports},
    {"remote", &Capabilities::remote},
}};

std::vector<BackendInfo> registered_backends() {
  std::vector<BackendInfo> backends;
  for (const auto& name : backend_names()) backends.push_back(find_backend(name));
  return backends;
}

std::string comma_list(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ",") + item;
  return text;
}

// One row per capability, one column per backend; then a line per backend.
std::string capability_matrix(const std::vector<BackendInfo>& backends) {
  std::vector<std::vector<std::string>> rows{{"capability"}};
  for (const auto& backend : backends) rows.front().push_back(backend.name);
  for (const auto& field : capability_fields) {
    auto& row = rows.emplace_back(std::vector<std::string>{field.name});
    for (const auto& backend : backends) row.push_back(backend.capabilities.*field.flag ? "✓" : "–");
  }
  auto& regions = rows.emplace_back(std::vector<std::string>{"regions"});
  for (const auto& backend : backends) {
    const auto& list = backend.capabilities.regions;
    regions.push_back(list.empty() ? "–" : comma_list(list));
  }
  std::vector<std::vector<std::string>> descriptions;
  for (const auto& backend : backends) descriptions.push_back({backend.name, backend.description});
  return format_table(rows) + "\n" + format_table(descriptions);
}

boost::json::array capability_json(const std::vector<BackendInfo>& backends) {
  boost::json::array list;
  for (const auto& backend : backends) {
    boost::json::object capabilities;
    for (const auto& field : capability_fields) capabilities[field.name] = backend.capabilities.*field.flag;
    capabilities["regions"] = boost::json::array(backend.capabilities.regions.begin(),
                                                 backend.capabilities.regions.end());
    list.push_back({{"name", backend.name},
                    {"description", backend.description},
                    {"capabilities", std::move(capabilities)}});
  }
  return list;
}

}  // namespace

int backends_command(const std::vector<std::string>& args) {
  bool json = false;
  command_spec spec{.usage = "sbx backends [--json]",
                    .description = "Shows what every registered backend can do (✓ yes, – no)."};
  spec.options.add_options()("json", boost::program_options::bool_switch(&json), "print JSON instead of a table");
  const auto line = parse_command_line(args, spec);
  if (line.help) {
    print_help(spec);
    return 0;
  }
  const auto backends = registered_backends();
  if (json)
    std::cout << boost::json::serialize(capability_json(backends)) << "\n";
  else if (backends.empty())
    std::cout << "no backends are registered in this build\n";
  else
    std::cout << capability_matrix(backends);
  return 0;
}

}  // namespace sbx::cli
