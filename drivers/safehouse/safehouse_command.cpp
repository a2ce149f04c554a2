#include "drivers/safehouse/safehouse_command.hpp"

#include "sbx/errors.hpp"

#include <algorithm>

namespace sbx::drivers::safehouse {

std::vector<std::string> safehouse_argv(const std::string& safehouse, const std::string& workdir,
                                        const std::string& scratch, std::vector<std::string> argv) {
  if (!argv.empty() && argv.front().find('=') != std::string::npos) {
    throw SandboxExecutionError("safehouse cannot run a program whose name contains '=': " + argv.front(),
                                {.backend = "safehouse", .op = "exec"});
  }
  std::vector<std::string> out{safehouse, "--workdir=" + workdir, "--add-dirs=" + scratch,
                               "--trust-workdir-config=false", "--env", "--"};
  out.insert(out.end(), std::make_move_iterator(argv.begin()), std::make_move_iterator(argv.end()));
  return out;
}

void scrub_safehouse_variables(process::environment& env) {
  std::erase_if(env, [](const std::string& entry) { return entry.starts_with("SAFEHOUSE_"); });
}

}  // namespace sbx::drivers::safehouse
