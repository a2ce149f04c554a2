#include "drivers/local/host_files.hpp"

#include "process/unique_fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sbx::drivers::local {
namespace {

namespace fs = std::filesystem;
using process::unique_fd;

[[noreturn]] void throw_errno(const std::string& path) {
  throw std::system_error(errno, std::generic_category(), path);
}

// Gives the owner full access to `dir` and to every directory below it.
void open_up(const fs::path& dir) noexcept {
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->symlink_status(ec).type() == fs::file_type::directory) open_up(it->path());
  }
}

}  // namespace

std::string read_host_file(const std::string& path) {
  const unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw_errno(path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno(path);
  if (S_ISDIR(st.st_mode)) throw std::system_error(EISDIR, std::generic_category(), path);

  // st_size is a hint: files in /proc report 0, and a file may grow while it is read.
  std::string content(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t filled = 0;
  for (;;) {
    if (filled == content.size()) content.resize(content.size() + 64 * 1024);
    const ssize_t n = ::read(fd.get(), content.data() + filled, content.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno(path);
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  content.resize(filled);
  return content;
}

void write_host_file(const std::string& path, std::string_view content) {
  if (const auto parent = fs::path(path).parent_path(); !parent.empty()) fs::create_directories(parent);
  const unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (!fd) throw_errno(path);
  while (!content.empty()) {
    const ssize_t n = ::write(fd.get(), content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno(path);
    content.remove_prefix(static_cast<std::size_t>(n));
  }
}

void copy_host_file(const fs::path& from, const fs::path& to) {
  const auto permissions = fs::status(from).permissions();
  if (fs::is_directory(from)) throw std::system_error(EISDIR, std::generic_category(), from.string());
  if (const auto parent = to.parent_path(); !parent.empty()) fs::create_directories(parent);
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::permissions(to, permissions);
}

std::vector<FileInfo> list_host_dir(const std::string& dir) {
  std::vector<FileInfo> entries;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::error_code ec;
    FileInfo info{.path = entry.path().string(), .is_dir = entry.is_directory(ec)};
    if (entry.is_regular_file(ec)) info.size = entry.file_size(ec);
    entries.push_back(std::move(info));
  }
  return entries;
}

std::error_code remove_host_tree(const fs::path& root) noexcept {
  std::error_code ec;
  fs::remove_all(root, ec);
  if (!ec) return ec;
  open_up(root);
  ec.clear();
  fs::remove_all(root, ec);
  return ec;
}

}  // namespace sbx::drivers::local
