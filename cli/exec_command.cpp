// sbx exec [options] -- CMD...
#include "command_args.hpp"
#include "commands.hpp"
#include "one_shot_sandbox.hpp"
#include "run_async.hpp"
#include "terminal_output.hpp"

#include "fanout/command_words.hpp"

#include <boost/program_options/value_semantic.hpp>

namespace sbx::cli {

namespace {

awaitable<int> run_exec(sandbox_flags flags, std::vector<std::string> command, ExecOptions options) {
  co_return co_await with_sandbox(std::move(flags), [&](Sandbox& sandbox) -> awaitable<int> {
    const auto result = co_await fanout::exec_words_stream(sandbox, command, to_terminal(), options);
    co_return result.exit_code;
  });
}

}  // namespace

int exec_command(const std::vector<std::string>& args) {
  sandbox_flags flags;
  std::string cwd;
  command_spec spec{
      .usage = "sbx exec [options] -- CMD...",
      .description =
          "Creates a sandbox, runs CMD in it with its stdout and stderr streamed live, destroys\n"
          "the sandbox and exits with CMD's exit status (124 when --timeout killed it).\n"
          "One word is a shell command line (sh -c); several words run without a shell:\n"
          "  sbx exec -- 'echo $HOME | wc -c'      sbx exec -- ls -la /tmp",
      .positional_name = "command"};
  add_sandbox_flags(spec.options, flags);
  spec.options.add_options()("cwd", boost::program_options::value(&cwd)->value_name("DIR"),
                             "directory to run in (relative: against the sandbox's workdir)");
  const auto line = parse_command_line(args, spec);
  if (line.help) {
    print_help(spec);
    return 0;
  }
  if (line.words.empty()) throw usage_error("no command given");

  auto options = exec_options(flags);
  if (!cwd.empty()) options.cwd = cwd;
  return run_async(run_exec(std::move(flags), line.words, std::move(options)));
}

}  // namespace sbx::cli
