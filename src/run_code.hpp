// run_code: how each language's program is run from a file in a fresh interpreter.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sbx::detail {

/// How to run a program file for one language.
struct code_runner {
  std::string language;   // canonical name, e.g. "python"
  std::string extension;  // file extension the interpreter needs, e.g. ".py"
  std::vector<std::vector<std::string>> interpreters;  // tried in order; the file is appended
};

/// The runner for `language` (case-insensitive; aliases such as "js", "py", "ts").
/// Unknown names are taken as an interpreter that runs a program file
/// ("python3.12", "pypy3"). Throws SandboxConfigurationError for names that are not a
/// plain program name.
code_runner runner_for(std::string_view language);

/// The /bin/sh script that runs "$1" (the program file) with the first interpreter
/// found on PATH, removes the file and exits with the program's status, or prints
/// missing_interpreter_marker and exits 127 when none is found.
std::string run_code_script(const code_runner& runner);

/// First words of the stderr line run_code_script prints when no interpreter exists.
inline constexpr std::string_view missing_interpreter_marker = "sbx: no interpreter for ";

}  // namespace sbx::detail
