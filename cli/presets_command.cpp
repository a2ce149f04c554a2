// sbx presets [--json]
#include "command_args.hpp"
#include "commands.hpp"

#include "sbx/presets.hpp"

#include <boost/json/serialize.hpp>
#include <boost/program_options/value_semantic.hpp>

#include <iostream>

namespace sbx::cli {

namespace {

std::string number(double value) {
  auto text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string describe(const Preset& preset) {
  std::string text = preset.name + " - " + preset.description + "\n";
  text += "  defaults: cpu " + number(preset.cpu) + ", memory " + std::to_string(preset.memory_mb) +
          " MB, lifetime " + std::to_string(preset.timeout_secs) + " s, internet " +
          (preset.allow_internet ? "allowed" : "blocked") + "\n";
  if (preset.image) text += "  image: " + *preset.image + "\n";
  if (preset.tensorlake_image) text += "  image on tensorlake: " + *preset.tensorlake_image + "\n";
  for (const auto& [name, value] : preset.env_vars) text += "  env: " + name + "=" + value + "\n";
  if (!preset.setup_commands.empty()) text += "  setup:\n";
  for (const auto& command : preset.setup_commands) text += "    " + command + "\n";
  for (const auto& [backend, commands] : preset.backend_setup_commands) {
    text += "  setup on " + backend + ":\n";
    for (const auto& command : commands) text += "    " + command + "\n";
  }
  return text;
}

boost::json::array strings(const std::vector<std::string>& items) {
  return boost::json::array(items.begin(), items.end());
}

boost::json::object to_json(const Preset& preset) {
  boost::json::object env;
  for (const auto& [name, value] : preset.env_vars) env[name] = value;
  boost::json::object backend_setup;
  for (const auto& [backend, commands] : preset.backend_setup_commands) backend_setup[backend] = strings(commands);
  boost::json::object json{{"name", preset.name},
                           {"description", preset.description},
                           {"cpu", preset.cpu},
                           {"memory_mb", preset.memory_mb},
                           {"timeout_secs", preset.timeout_secs},
                           {"allow_internet", preset.allow_internet},
                           {"env_vars", std::move(env)},
                           {"setup_commands", strings(preset.setup_commands)},
                           {"backend_setup_commands", std::move(backend_setup)}};
  if (preset.image) json["image"] = *preset.image;
  if (preset.tensorlake_image) json["tensorlake_image"] = *preset.tensorlake_image;
  return json;
}

}  // namespace

int presets_command(const std::vector<std::string>& args) {
  bool json = false;
  command_spec spec{.usage = "sbx presets [--json]",
                    .description = "Lists the presets (--preset NAME): defaults, image and setup commands."};
  spec.options.add_options()("json", boost::program_options::bool_switch(&json), "print JSON");
  const auto line = parse_command_line(args, spec);
  if (line.help) {
    print_help(spec);
    return 0;
  }
  const auto presets = list_presets();
  if (json) {
    boost::json::array list;
    for (const auto& preset : presets) list.push_back(to_json(preset));
    std::cout << boost::json::serialize(list) << "\n";
    return 0;
  }
  for (std::size_t i = 0; i < presets.size(); ++i) std::cout << (i ? "\n" : "") << describe(presets[i]);
  return 0;
}

}  // namespace sbx::cli
