// A blocking facade for scripts and tests: the same coroutines, run to completion on
// a private io_context. No logic lives here.
#pragma once

#include "sbx/client.hpp"
#include "sbx/sandbox.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>

namespace sbx::blocking {

class Sandbox;

/// Blocking counterpart of sbx::Client; errors as there.
class Client {
 public:
  explicit Client(std::string_view backend, ClientOptions options = {});

  const std::string& backend_name() const { return client_.backend_name(); }
  Sandbox create(CreateOptions options = {});
  Sandbox resume(const SessionState& state);
  SweepReport sweep();

 private:
  std::shared_ptr<boost::asio::io_context> context_;
  sbx::Client client_;
};

/// Blocking counterpart of sbx::Sandbox; destroys the sandbox when it goes out of
/// scope (errors in that destroy are logged, not thrown).
class Sandbox {
 public:
  Sandbox(Sandbox&&) noexcept = default;
  Sandbox& operator=(Sandbox&&) noexcept = default;
  ~Sandbox();

  const std::string& backend_name() const { return sandbox_.backend_name(); }
  const std::string& id() const { return sandbox_.id(); }
  bool is_alive() const { return sandbox_.is_alive(); }

  ExecResult exec(std::string command, ExecOptions options = {});
  ExecResult exec(argv command, ExecOptions options = {});
  ExecResult exec_stream(std::string command, output_handler on_output, ExecOptions options = {});
  ExecResult run_code(std::string code, std::string language = "python", ExecOptions options = {});
  template <class T>
  T exec_as(std::string command, ExecOptions options = {}) {
    return run(*context_, sandbox_.exec_as<T>(std::move(command), std::move(options)));
  }
  template <class T>
  T run_code_as(std::string code, std::string language = "python") {
    return run(*context_, sandbox_.run_code_as<T>(std::move(code), std::move(language)));
  }
  std::vector<FileInfo> list_files(std::string path = ".");
  std::string read_file(std::string path);
  void write_file(std::string path, std::string content);
  void upload_file(std::filesystem::path local_path, std::string remote_path);
  void download_file(std::string remote_path, std::filesystem::path local_path);
  std::size_t upload_dir(std::filesystem::path local_dir, std::string remote_dir,
                         transfer_method method = transfer_method::automatic);
  std::size_t download_dir(std::string remote_dir, std::filesystem::path local_dir,
                           transfer_method method = transfer_method::automatic);
  SnapshotInfo snapshot();
  SessionState session_state() const { return sandbox_.session_state(); }
  void destroy();

  /// The asynchronous handle (for mixing with coroutine code on the same context).
  sbx::Sandbox& async() { return sandbox_; }

 private:
  friend class Client;
  Sandbox(std::shared_ptr<boost::asio::io_context> context, sbx::Sandbox sandbox);

  std::shared_ptr<boost::asio::io_context> context_;
  sbx::Sandbox sandbox_;
};

/// Runs `operation` to completion on `context` and returns its result or rethrows.
/// Other work on the context (lifetime timers) does not keep it waiting.
template <class T>
T run(boost::asio::io_context& context, boost::asio::awaitable<T> operation);

}  // namespace sbx::blocking

#include "sbx/impl/blocking_run.hpp"
