// The Agent Safehouse command line that runs one command of a safehouse sandbox
// (see shared/specs/safehouse.md). Pure: no I/O, so that the exact argv is tested.
#pragma once

#include "process/environment.hpp"

#include <string>
#include <vector>

namespace sbx::drivers::safehouse {

/// The host argv running `argv` under safehouse, as the reference backend does plus
/// two grants/guards:
///
///   <safehouse> --workdir=<workdir> --add-dirs=<scratch> --trust-workdir-config=false
///               --env -- argv...
///
/// --add-dirs lets commands use the scratch directory (TMPDIR, run_code programs,
/// transfer archives); --trust-workdir-config=false keeps a `.safehouse` file that
/// sandboxed code wrote from widening its own grants; --env passes the environment
/// the driver built; `--` ends safehouse's options. Errors: SandboxExecutionError when
/// argv[0] contains '=' (safehouse would take it for an environment assignment).
std::vector<std::string> safehouse_argv(const std::string& safehouse, const std::string& workdir,
                                        const std::string& scratch, std::vector<std::string> argv);

/// Removes every SAFEHOUSE_* variable: they would change the grants
/// (SAFEHOUSE_ADD_DIRS, SAFEHOUSE_WORKDIR...) or make --env fail (SAFEHOUSE_ENV_PASS).
void scrub_safehouse_variables(process::environment& env);

}  // namespace sbx::drivers::safehouse
