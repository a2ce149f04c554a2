#include "run_code.hpp"

#include "paths.hpp"
#include "sbx/errors.hpp"

#include <algorithm>
#include <cctype>

namespace sbx::detail {
namespace {

using words = std::vector<std::string>;

code_runner known_runner(std::string_view name) {
  if (name == "python" || name == "python3" || name == "py")
    return {"python", ".py", {{"python3"}, {"python"}}};
  if (name == "node" || name == "nodejs" || name == "javascript" || name == "js")
    return {"node", ".js", {{"node"}, {"nodejs"}}};
  if (name == "typescript" || name == "ts")
    return {"typescript", ".ts", {{"tsx"}, {"ts-node"}, {"bun"}, {"deno", "run", "-A"}}};
  if (name == "ruby" || name == "rb") return {"ruby", ".rb", {{"ruby"}}};
  if (name == "perl" || name == "pl") return {"perl", ".pl", {{"perl"}}};
  if (name == "bash") return {"bash", ".sh", {{"bash"}}};
  if (name == "sh" || name == "shell") return {"sh", ".sh", {{"sh"}}};
  if (name == "zsh") return {"zsh", ".sh", {{"zsh"}}};
  if (name == "go" || name == "golang") return {"go", ".go", {{"go", "run"}}};
  if (name == "php") return {"php", ".php", {{"php"}}};
  if (name == "lua") return {"lua", ".lua", {{"lua"}, {"lua5.4"}, {"lua5.3"}}};
  if (name == "r" || name == "rscript") return {"r", ".R", {{"Rscript"}}};
  return {};
}

bool is_program_name(std::string_view name) {
  return !name.empty() && name.front() != '-' &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+';
         });
}

}  // namespace

code_runner runner_for(std::string_view language) {
  std::string name(language);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (auto runner = known_runner(name); !runner.language.empty()) return runner;
  if (!is_program_name(language))
    throw SandboxConfigurationError("run_code: '" + std::string(language) +
                                        "' is not a language or interpreter name",
                                    {.op = "run_code", .context = {{"language", std::string(language)}}});
  return {std::string(language), "", {{std::string(language)}}};
}

std::string run_code_script(const code_runner& runner) {
  std::string script;
  std::string tried;
  for (const auto& interpreter : runner.interpreters) {
    const auto program = shell_quote(interpreter.front());
    script += "if command -v " + program + " >/dev/null 2>&1; then " + shell_join(interpreter) +
              " \"$1\"; rc=$?; rm -f \"$1\"; exit $rc; fi\n";
    tried += (tried.empty() ? "" : ", ") + interpreter.front();
  }
  script += "rm -f \"$1\"\n";
  script += "echo " + shell_quote(std::string(missing_interpreter_marker) + runner.language +
                                  " (tried: " + tried + ")") +
            " >&2\nexit 127\n";
  return script;
}

}  // namespace sbx::detail
