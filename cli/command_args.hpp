// Parsing one subcommand's command line with Boost.Program_options.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace sbx::cli {

/// A command line that cannot be understood; reported with a hint and exit status 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// How a subcommand describes its command line.
struct command_spec {
  std::string usage;        // "sbx exec [options] -- CMD..."
  std::string description;  // printed after the usage line
  boost::program_options::options_description options{"options"};
  std::string positional_name;  // metavariable of positional words; empty: none allowed
  int positional_max = -1;      // how many positional words; -1: any number
};

/// A parsed command line.
struct command_line {
  boost::program_options::variables_map values;
  std::vector<std::string> words;  // positional words, then every word after "--"
  bool help = false;               // --help or -h was given
};

/// Parses `args` (the words after the subcommand's name) against `spec`, which gains
/// --help. Words after the first "--" are never options. Notifiers run. Throws
/// usage_error for unknown options, bad values and surplus positional words.
command_line parse_command_line(const std::vector<std::string>& args, command_spec& spec);

/// Prints the usage line, description and options of `spec` to stdout.
void print_help(const command_spec& spec);

}  // namespace sbx::cli
