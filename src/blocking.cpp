#include "sbx/blocking.hpp"

#include "log.hpp"

namespace sbx::blocking {

Client::Client(std::string_view backend, ClientOptions options)
    : context_(std::make_shared<boost::asio::io_context>()),
      client_(context_->get_executor(), backend, std::move(options)) {}

Sandbox Client::create(CreateOptions options) {
  return {context_, run(*context_, client_.create(std::move(options)))};
}

Sandbox Client::resume(const SessionState& state) {
  return {context_, run(*context_, client_.resume(state))};
}

SweepReport Client::sweep() { return run(*context_, client_.sweep()); }

Sandbox::Sandbox(std::shared_ptr<boost::asio::io_context> context, sbx::Sandbox sandbox)
    : context_(std::move(context)), sandbox_(std::move(sandbox)) {}

Sandbox::~Sandbox() {
  if (!context_ || !sandbox_.is_alive()) return;
  try {
    destroy();
  } catch (const std::exception& e) {
    detail::log(log_level::warning, std::string("destroy in ~Sandbox failed: ") + e.what());
  }
}

ExecResult Sandbox::exec(std::string command, ExecOptions options) {
  return run(*context_, sandbox_.exec(std::move(command), std::move(options)));
}
ExecResult Sandbox::exec(argv command, ExecOptions options) {
  return run(*context_, sandbox_.exec(std::move(command), std::move(options)));
}
ExecResult Sandbox::exec_stream(std::string command, output_handler on_output, ExecOptions options) {
  return run(*context_, sandbox_.exec_stream(std::move(command), std::move(on_output), std::move(options)));
}
ExecResult Sandbox::run_code(std::string code, std::string language, ExecOptions options) {
  return run(*context_, sandbox_.run_code(std::move(code), std::move(language), std::move(options)));
}
std::vector<FileInfo> Sandbox::list_files(std::string path) {
  return run(*context_, sandbox_.list_files(std::move(path)));
}
std::string Sandbox::read_file(std::string path) { return run(*context_, sandbox_.read_file(std::move(path))); }
void Sandbox::write_file(std::string path, std::string content) {
  run(*context_, sandbox_.write_file(std::move(path), std::move(content)));
}
void Sandbox::upload_file(std::filesystem::path local_path, std::string remote_path) {
  run(*context_, sandbox_.upload_file(std::move(local_path), std::move(remote_path)));
}
void Sandbox::download_file(std::string remote_path, std::filesystem::path local_path) {
  run(*context_, sandbox_.download_file(std::move(remote_path), std::move(local_path)));
}
std::size_t Sandbox::upload_dir(std::filesystem::path local_dir, std::string remote_dir,
                                transfer_method method) {
  return run(*context_, sandbox_.upload_dir(std::move(local_dir), std::move(remote_dir), method));
}
std::size_t Sandbox::download_dir(std::string remote_dir, std::filesystem::path local_dir,
                                  transfer_method method) {
  return run(*context_, sandbox_.download_dir(std::move(remote_dir), std::move(local_dir), method));
}
SnapshotInfo Sandbox::snapshot() { return run(*context_, sandbox_.snapshot()); }
void Sandbox::destroy() { run(*context_, sandbox_.destroy()); }

}  // namespace sbx::blocking
