#include "command_args.hpp"

#include <boost/program_options/errors.hpp>
#include <boost/program_options/parsers.hpp>
#include <boost/program_options/positional_options.hpp>
#include <boost/program_options/value_semantic.hpp>

#include <algorithm>
#include <iostream>

namespace sbx::cli {

namespace po = boost::program_options;

command_line parse_command_line(const std::vector<std::string>& args, command_spec& spec) {
  spec.options.add_options()("help,h", "show this help");
  const auto separator = std::find(args.begin(), args.end(), "--");
  const std::vector<std::string> option_words(args.begin(), separator);

  po::options_description all;
  all.add(spec.options);
  po::positional_options_description positional;
  if (!spec.positional_name.empty()) {
    all.add_options()(spec.positional_name.c_str(), po::value<std::vector<std::string>>());
    positional.add(spec.positional_name.c_str(), spec.positional_max);
  }

  command_line line;
  try {
    po::store(po::command_line_parser(option_words).options(all).positional(positional).run(),
              line.values);
    line.help = line.values.count("help") > 0;
    if (line.help) return line;
    po::notify(line.values);
  } catch (const po::unknown_option& e) {
    const bool takes_command = spec.positional_name == "command";
    throw usage_error(std::string(e.what()) + (takes_command ? " (a command's own options go after '--')" : ""));
  } catch (const po::error& e) {
    throw usage_error(e.what());
  }
  if (!spec.positional_name.empty() && line.values.count(spec.positional_name))
    line.words = line.values[spec.positional_name].as<std::vector<std::string>>();
  if (separator != args.end()) line.words.insert(line.words.end(), separator + 1, args.end());
  return line;
}

void print_help(const command_spec& spec) {
  std::cout << "usage: " << spec.usage << "\n\n" << spec.description << "\n\n" << spec.options;
}

}  // namespace sbx::cli
