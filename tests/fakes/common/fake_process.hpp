// A command running in a fake sandbox: started through bubblewrap so that it sees the
// sandbox's file system layout (and no network when so configured), with its output
// streamed to a sink, stdin fed on demand, and a signal to end it. In echo mode nothing
// is spawned: the command line comes back as its output.
#pragma once

#include "fakes/common/sandbox_paths.hpp"
#include "http/semaphore.hpp"
#include "process/child_process.hpp"
#include "sbx/types.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sbx_fake {

using boost::asio::awaitable;

/// How a fake runs commands; shared by all its sandboxes.
struct runner_options {
  bool echo = false;                // answer without spawning anything
  std::filesystem::path bwrap;      // absolute path of bubblewrap (unused in echo mode)
  std::string path_variable;        // PATH inside sandboxes
};

/// One command to start.
struct command_spec {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH inside the sandbox
  sbx::env_map env;               // over the base environment (PATH, HOME, USER, LOGNAME)
  std::string cwd;                // absolute sandbox path
  bool stdin_open = false;        // stdin is a pipe fed by write_stdin, else /dev/null
};

/// How a command ended.
struct process_exit {
  int exit_code = 0;  // exit status; 128 + signal when a signal ended it
  int signal = 0;     // the signal sent by signal(), 0 when none was sent
};

/// Receives output chunks in order per stream. Must not throw: a sink whose reader is
/// gone discards (the command keeps running, as on a real provider).
using output_sink = std::function<awaitable<void>(sbx::output_stream, std::string_view)>;

/// The bubblewrap command line that runs `argv` in the sandbox: the host read-only,
/// every mount bound writable at its sandbox path, the working directory `cwd`, the
/// network unshared unless `network`, and the command killed if bubblewrap dies.
std::vector<std::string> bwrap_command(const runner_options& runner, const sandbox_paths& paths,
                                       bool network, const std::string& cwd,
                                       const std::vector<std::string>& argv);

/// A started command. Owned through shared_ptr by the sandbox's process table.
class fake_process {
 public:
  /// Spawns `spec` (see bwrap_command); its process group is recorded in `groups` so
  /// that the sandbox can kill whatever it leaves behind. A program that cannot start
  /// becomes a process that exits 127 with a message on stderr. Throws
  /// boost::system::system_error when the system is out of processes or pipes.
  static std::shared_ptr<fake_process> start(boost::asio::any_io_executor executor,
                                             const runner_options& runner, const sandbox_paths& paths,
                                             bool network, command_spec spec,
                                             std::shared_ptr<sbx::process::process_group_set> groups);
  ~fake_process();

  /// The process id reported to clients (the host pid; a counter in echo mode).
  int pid() const noexcept { return pid_; }
  const command_spec& spec() const noexcept { return spec_; }

  /// Writes to the command's stdin. Throws std::runtime_error when stdin is not open.
  /// Concurrent calls are written one after the other.
  awaitable<void> write_stdin(std::string data);
  /// Closes stdin (EOF for the command). No effect when it is not open.
  void close_stdin();
  /// Sends `signo` to the command's main process only (not its children), as envd does.
  void signal(int signo);

  /// Streams the output to `sink` until the command exits, then returns how. Call once.
  /// Output written by background children after the exit is not collected.
  awaitable<process_exit> run(output_sink sink);

 private:
  fake_process() = default;
  awaitable<void> pump(boost::asio::posix::stream_descriptor& pipe, sbx::output_stream stream,
                       std::span<char> buffer, const output_sink& sink);
  awaitable<void> await_exit();

  int pid_ = 0;
  command_spec spec_;
  std::optional<sbx::process::child_process> child_;
  std::optional<std::string> start_failure_;  // stderr text of a command that never ran
  int failure_code_ = 0;
  sbx::http::async_semaphore stdin_lock_{1};
  bool stdin_open_ = false;
  int signal_ = 0;
  bool exited_ = false;
};

}  // namespace sbx_fake
