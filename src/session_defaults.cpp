// Default implementations of the optional SandboxSession and Driver operations, in
// terms of the required ones (exec and the file primitives).
#include "exec_collect.hpp"
#include "owner_labels.hpp"
#include "paths.hpp"
#include "sbx/driver.hpp"
#include "sbx/errors.hpp"

#include <filesystem>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sys/stat.h>

namespace sbx {
namespace fs = std::filesystem;

namespace {

std::string read_local_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SandboxNotFoundError("cannot open local file", {.context = {{"local_path", path.string()}}});
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_local_file(const fs::path& path, std::string_view content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out.flush())
    throw SandboxExecutionError("cannot write local file", {.context = {{"local_path", path.string()}}});
}

// "755" for rwxr-xr-x. (Kept out of coroutines: GCC 12 rejects arrays in their frames.)
std::string octal_mode(fs::perms mode) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "%o", static_cast<unsigned>(mode) & 0777u);
  return digits;
}

void require_success(const ExecResult& result, const char* op, const std::string& path) {
  if (result.exit_code != 0)
    throw WorkspaceError(std::string(op) + " failed (exit " + std::to_string(result.exit_code) +
                             "): " + result.std_err.substr(0, 500),
                         {.op = op, .context = {{"path", path}}});
}

}  // namespace

const std::string& SandboxSession::scratch_dir() const {
  static const std::string tmp = "/tmp";
  return tmp;
}

awaitable<void> SandboxSession::upload_file(fs::path local, std::string remote) {
  co_await write_file(remote, read_local_file(local));
  const auto mode = fs::status(local).permissions();
  if ((mode & (fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec)) != fs::perms::none) {
    std::vector<std::string> command{"chmod", octal_mode(mode), remote};
    const auto chmod = co_await detail::exec_collect(*this, std::move(command));
    require_success(chmod, "upload_file", remote);
  }
}

awaitable<void> SandboxSession::download_file(std::string remote, fs::path local) {
  write_local_file(local, co_await read_file(remote));
}

awaitable<void> SandboxSession::extract_archive(std::string dir, std::string tar_gz) {
  const auto archive = scratch_dir() + "/sbx-upload-" + detail::random_hex(16) + ".tar.gz";
  co_await write_file(archive, std::move(tar_gz));
  std::vector<std::string> args{dir, archive};
  const auto result = co_await detail::exec_script(
      *this, "mkdir -p -- \"$1\" && tar -xzf \"$2\" -C \"$1\"; rc=$?; rm -f -- \"$2\"; exit $rc",
      std::move(args));
  require_success(result, "upload_dir", dir);
}

awaitable<std::string> SandboxSession::create_archive(std::string dir) {
  const auto archive = scratch_dir() + "/sbx-download-" + detail::random_hex(16) + ".tar.gz";
  std::vector<std::string> args{dir, archive};
  const auto packed = co_await detail::exec_script(
      *this, "test -d \"$1\" || { echo \"no such directory: $1\" >&2; exit 2; }; tar -czf \"$2\" -C \"$1\" .",
      std::move(args));
  require_success(packed, "download_dir", dir);
  auto bytes = co_await read_file(archive);
  std::vector<std::string> remove{"rm", "-f", "--", archive};
  co_await detail::exec_collect(*this, std::move(remove));
  co_return bytes;
}

bool SandboxSession::archives_without_tar() const { return false; }

awaitable<SnapshotInfo> SandboxSession::snapshot() {
  throw FeatureNotSupportedError("Snapshots are not supported by this backend", {.op = "snapshot"});
  co_return SnapshotInfo{};
}

awaitable<std::string> SandboxSession::expose_port(int port) {
  throw FeatureNotSupportedError("This backend cannot expose sandbox ports",
                                 {.op = "expose_port", .context = {{"port", std::to_string(port)}}});
  co_return std::string{};
}

awaitable<void> Driver::start() { co_return; }

awaitable<SweepReport> Driver::sweep() {
  throw FeatureNotSupportedError("The " + name() + " backend cannot sweep orphans",
                                 {.backend = name(), .op = "sweep"});
  co_return SweepReport{};
}

}  // namespace sbx
