// sbx run-code [options] (FILE | -c CODE)
#include "command_args.hpp"
#include "commands.hpp"
#include "one_shot_sandbox.hpp"
#include "run_async.hpp"
#include "terminal_output.hpp"

#include <boost/program_options/value_semantic.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

namespace sbx::cli {

namespace {

// The language a file extension implies, or "python" for anything else.
std::string language_of(const std::filesystem::path& file) {
  static const std::map<std::string, std::string> by_extension = {
      {".py", "python"}, {".js", "javascript"}, {".mjs", "javascript"}, {".ts", "typescript"},
      {".rb", "ruby"},   {".sh", "sh"},         {".pl", "perl"},        {".go", "go"},
      {".php", "php"},   {".lua", "lua"},       {".r", "r"},            {".R", "r"}};
  const auto found = by_extension.find(file.extension().string());
  return found == by_extension.end() ? "python" : found->second;
}

// The whole of `file`, or of stdin for "-".
std::string read_program(const std::string& file) {
  if (file == "-") return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  std::ifstream in(file, std::ios::binary);
  if (!in) throw usage_error("cannot read '" + file + "'");
  std::ostringstream content;
  content << in.rdbuf();
  return std::move(content).str();
}

awaitable<int> run_program(sandbox_flags flags, std::string code, std::string language, ExecOptions options) {
  co_return co_await with_sandbox(std::move(flags), [&](Sandbox& sandbox) -> awaitable<int> {
    const auto result = co_await sandbox.run_code(code, language, options);
    print_output(result);
    co_return result.exit_code;
  });
}

}  // namespace

int run_code_command(const std::vector<std::string>& args) {
  sandbox_flags flags;
  std::string language;
  std::string code;
  command_spec spec{
      .usage = "sbx run-code [options] (FILE | -c CODE)",
      .description =
          "Runs a program in a fresh interpreter in a new sandbox, prints its output and exits\n"
          "with its exit status. FILE '-' reads the program from stdin. The language comes\n"
          "from --language, else from FILE's extension (.py .js .ts .rb .sh .pl .go .php .lua\n"
          ".r), else python.",
      .positional_name = "file",
      .positional_max = 1};
  add_sandbox_flags(spec.options, flags);
  spec.options.add_options()
      ("language,l", boost::program_options::value(&language)->value_name("LANG"),
       "python, javascript, typescript, ruby, bash, sh, perl, go, php, lua, r, ...")
      ("code,c", boost::program_options::value(&code)->value_name("CODE"), "the program text");
  const auto line = parse_command_line(args, spec);
  if (line.help) {
    print_help(spec);
    return 0;
  }
  const bool has_code = line.values.count("code") > 0;
  if (has_code == !line.words.empty()) throw usage_error("give either FILE or -c CODE");
  if (!has_code) {
    if (line.words.size() > 1) throw usage_error("give one FILE");
    code = read_program(line.words.front());
    if (language.empty()) language = language_of(line.words.front());
  }
  if (language.empty()) language = "python";
  auto options = exec_options(flags);
  return run_async(run_program(std::move(flags), std::move(code), std::move(language), std::move(options)));
}

}  // namespace sbx::cli
