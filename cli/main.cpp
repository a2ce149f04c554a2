// sbx: the command-line tool. `sbx <command> [options]`; `sbx help [command]`.
#include "command_args.hpp"
#include "commands.hpp"

#include "sbx/errors.hpp"

#include <array>
#include <iostream>
#include <string_view>

namespace {

using namespace sbx::cli;

struct subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(const std::vector<std::string>& args);
};

constexpr std::array<subcommand, 10> subcommands{{
    {"exec", "run a command in a new sandbox, streaming its output", exec_command},
    {"run-code", "run a program (FILE or -c CODE) in a new sandbox", run_code_command},
    {"cp", "upload files, run commands and download results in one sandbox", cp_command},
    {"backends", "show what every backend can do", backends_command},
    {"presets", "list the presets", presets_command},
    {"gc", "remove sandboxes leaked by dead processes", gc_command},
    {"fanout", "run many sandboxes at once; latency and throughput", fanout_command},
    {"pricing", "show the price table the router uses", pricing_command},
    {"cheapest", "rank backends by expected cost for a sandbox, and why", cheapest_command},
    {"cost", "total the costs in a router's cost journal", cost_command},
}};

const subcommand* find_subcommand(std::string_view name) {
  for (const auto& command : subcommands)
    if (command.name == name) return &command;
  return nullptr;
}

void print_overview() {
  std::cout << "usage: sbx <command> [options]\n\n"
               "Runs commands in code-execution sandboxes on any sbx backend.\n\ncommands:\n";
  for (const auto& command : subcommands)
    std::cout << "  " << command.name << std::string(10 - command.name.size(), ' ') << command.summary << "\n";
  std::cout << "\nRun 'sbx <command> --help' for a command's options.\n"
               "Exit status: exec, run-code and cp exit with the command's status; 2 means a\n"
               "usage error, 125 a failure of sbx itself, 130 an interruption (SIGINT/SIGTERM).\n"
               "SBX_BACKEND sets the default backend; SBX_LOG=debug|info|warning logs to stderr.\n";
}

// Runs `command`, turning what it throws into a message and an exit status.
int run_subcommand(const subcommand& command, const std::vector<std::string>& args) {
  try {
    return command.run(args);
  } catch (const usage_error& e) {
    std::cerr << "sbx " << command.name << ": " << e.what() << "\nTry 'sbx " << command.name
              << " --help'.\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sbx " << command.name << ": " << e.what() << "\n";
    return exit_sbx_failed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args.front() == "--help" || args.front() == "-h") {
    print_overview();
    return args.empty() ? 2 : 0;
  }
  if (args.front() == "help") {
    if (args.size() == 1) {
      print_overview();
      return 0;
    }
    args = {args[1], "--help"};
  }
  const auto* command = find_subcommand(args.front());
  if (!command) {
    std::cerr << "sbx: unknown command '" << args.front() << "'. Run 'sbx --help'.\n";
    return 2;
  }
  return run_subcommand(*command, std::vector<std::string>(args.begin() + 1, args.end()));
}
