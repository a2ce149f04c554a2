// sbx cp [options] [--in LOCAL[:REMOTE]]... [--run CMD]... [--out REMOTE[:LOCAL]]...
#include "command_args.hpp"
#include "commands.hpp"
#include "one_shot_sandbox.hpp"
#include "path_mapping.hpp"
#include "run_async.hpp"
#include "terminal_output.hpp"

#include "sbx/errors.hpp"

#include <boost/program_options/value_semantic.hpp>

#include <unistd.h>

#include <filesystem>

namespace sbx::cli {

namespace {

// What one `sbx cp` does, in order.
struct cp_plan {
  std::vector<path_mapping> uploads;    // local → sandbox
  std::vector<std::string> commands;    // shell command lines
  std::vector<path_mapping> downloads;  // sandbox → local
  ExecOptions exec;
};

void note(const std::string& line) { write_all(STDERR_FILENO, "sbx cp: " + line + "\n"); }

std::string files(std::size_t count) { return std::to_string(count) + (count == 1 ? " file" : " files"); }

awaitable<void> upload(Sandbox& sandbox, const path_mapping& copy) {
  if (std::filesystem::is_directory(copy.from)) {
    const auto count = co_await sandbox.upload_dir(copy.from, copy.to);
    note("in  " + copy.from + " -> " + copy.to + " (" + files(count) + ")");
  } else {
    co_await sandbox.upload_file(copy.from, copy.to);
    note("in  " + copy.from + " -> " + copy.to);
  }
}

// True when `path` is a directory in the sandbox. Errors: SandboxNotFoundError.
awaitable<bool> is_sandbox_dir(Sandbox& sandbox, const std::string& path) {
  bool is_dir = true;
  try {
    co_await sandbox.list_files(path);
  } catch (const SandboxNotFoundError&) {
    throw;
  } catch (const SandboxExecutionError&) {
    is_dir = false;  // list_files' answer for a path that is not a directory
  }
  co_return is_dir;
}

awaitable<void> download(Sandbox& sandbox, const path_mapping& copy) {
  if (co_await is_sandbox_dir(sandbox, copy.from)) {
    const auto count = co_await sandbox.download_dir(copy.from, copy.to);
    note("out " + copy.from + " -> " + copy.to + " (" + files(count) + ")");
  } else {
    co_await sandbox.download_file(copy.from, copy.to);
    note("out " + copy.from + " -> " + copy.to);
  }
}

// Uploads, runs the commands until one fails, downloads; returns the failed command's
// exit status, else 0.
awaitable<int> carry_out(Sandbox& sandbox, const cp_plan& plan) {
  for (const auto& copy : plan.uploads) co_await upload(sandbox, copy);
  int status = 0;
  for (const auto& command : plan.commands) {
    status = (co_await sandbox.exec_stream(command, to_terminal(), plan.exec)).exit_code;
    if (status != 0) {
      note("'" + command + "' exited with status " + std::to_string(status));
      break;
    }
  }
  for (const auto& copy : plan.downloads) co_await download(sandbox, copy);
  co_return status;
}

awaitable<int> run_cp(sandbox_flags flags, cp_plan plan) {
  co_return co_await with_sandbox(std::move(flags),
                                  [&](Sandbox& sandbox) { return carry_out(sandbox, plan); });
}

}  // namespace

int cp_command(const std::vector<std::string>& args) {
  sandbox_flags flags;
  std::vector<std::string> uploads;
  std::vector<std::string> downloads;
  cp_plan plan;
  command_spec spec{
      .usage = "sbx cp [options] [--in LOCAL[:REMOTE]]... [--run CMD]... [--out REMOTE[:LOCAL]]...",
      .description =
          "Copies files into a new sandbox, runs commands there and copies results back, then\n"
          "destroys the sandbox. In order: every --in (a directory is copied as a tree), every\n"
          "--run (output streamed live; the first one that fails stops the runs), every --out\n"
          "(done even after a failed run, so logs come back). Relative REMOTE paths are in the\n"
          "sandbox's working directory; the first ':' separates the two paths, and without\n"
          "':DEST' the last component of the source is kept. Exit status: the failed --run\n"
          "command's, else 0.\n"
          "  sbx cp --in ./project:src --run 'cd src && make test > log 2>&1' --out src/log:test.log",
      .positional_name = ""};
  add_sandbox_flags(spec.options, flags);
  spec.options.add_options()
      ("in", boost::program_options::value(&uploads)->value_name("LOCAL[:REMOTE]")->composing(),
       "copy a host file or directory into the sandbox (repeatable)")
      ("run", boost::program_options::value(&plan.commands)->value_name("CMD")->composing(),
       "shell command to run after the uploads (repeatable)")
      ("out", boost::program_options::value(&downloads)->value_name("REMOTE[:LOCAL]")->composing(),
       "copy a sandbox file or directory to the host (repeatable)");
  const auto line = parse_command_line(args, spec);
  if (line.help) {
    print_help(spec);
    return 0;
  }
  if (!line.words.empty()) throw usage_error("unexpected argument '" + line.words.front() + "'");
  if (uploads.empty() && plan.commands.empty() && downloads.empty())
    throw usage_error("nothing to do: give --in, --run or --out");
  for (const auto& spec_text : uploads) plan.uploads.push_back(parse_path_mapping(spec_text));
  for (const auto& spec_text : downloads) plan.downloads.push_back(parse_path_mapping(spec_text));
  plan.exec = exec_options(flags);
  return run_async(run_cp(std::move(flags), std::move(plan)));
}

}  // namespace sbx::cli
