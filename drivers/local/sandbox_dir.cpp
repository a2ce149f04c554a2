#include "drivers/local/sandbox_dir.hpp"

#include "drivers/local/host_files.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace sbx::drivers::local::sandbox_dir {
namespace {

namespace fs = std::filesystem;
using process::unique_fd;

constexpr int directory_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// Calls `visit(name, d_type)` for each entry of the open directory `dir` but "." and
// "..", from the descriptor's current offset, until `visit` returns false. Returns
// false when the directory cannot be read. One getdents64 call reads a small
// directory whole, without the allocation and the fstat of opendir.
template <class Visit>
bool for_each_entry(int dir, Visit&& visit) noexcept {
  alignas(dirent64) char buffer[2048];
  for (;;) {
    const ssize_t filled = ::getdents64(dir, buffer, sizeof buffer);
    if (filled < 0 && errno == EINTR) continue;
    if (filled <= 0) return filled == 0;
    for (ssize_t offset = 0; offset < filled;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer + offset);
      offset += entry->d_reclen;
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (!visit(name, entry->d_type)) return true;
    }
  }
}

// The type of `name` in `dir` as getdents reported it, asking the file system only
// when it did not say.
unsigned char entry_type(int dir, std::string_view name, unsigned char reported) noexcept {
  if (reported != DT_UNKNOWN) return reported;
  char path[NAME_MAX + 1] = {};
  name.copy(path, std::min<std::size_t>(name.size(), NAME_MAX));
  struct stat st {};
  if (::fstatat(dir, path, &st, AT_SYMLINK_NOFOLLOW) != 0) return DT_UNKNOWN;
  if (S_ISDIR(st.st_mode)) return DT_DIR;
  return S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
}

// Opens the directory `name` of `dir` only if it is this user's, making it mode 0700
// if it was not (a command may have chmodded its HOME). Invalid otherwise.
unique_fd open_own(int dir, const char* name) noexcept {
  unique_fd fd(::openat(dir, name, directory_flags));
  if (fd && !is_own(fd.get())) fd.reset();
  return fd;
}

// True when `name` in `dir` is an empty directory of this user's (see open_own).
bool is_empty_private_directory(int dir, const char* name) noexcept {
  const unique_fd fd = open_own(dir, name);
  if (!fd) return false;
  bool empty = true;
  return for_each_entry(fd.get(), [&](std::string_view, unsigned char) { return empty = false; }) && empty;
}

bool write_all(int fd, std::string_view content) noexcept {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Overwrites the open file with `content`, then cuts it to length: truncating to zero
// first would make ext4 allocate the file's blocks at close (its replace-by-truncate
// heuristic).
bool overwrite(unique_fd file, std::string_view content) noexcept {
  return file && write_all(file.get(), content) && ::ftruncate(file.get(), static_cast<off_t>(content.size())) == 0;
}

// Removes everything inside the directory `name` of `dir` (at `path`/`name`), which
// must be this user's (see open_own).
bool empty_directory(const fs::path& path, int dir, const char* name) noexcept {
  const unique_fd fd = open_own(dir, name);
  if (!fd) return false;
  try {
    std::vector<std::string> entries;
    if (!for_each_entry(fd.get(), [&](std::string_view entry, unsigned char) {
          entries.emplace_back(entry);
          return true;
        })) {
      return false;
    }
    for (const auto& entry : entries) {
      if (remove_host_tree(path / name / entry)) return false;
    }
    return true;
  } catch (const std::exception&) {
    return false;  // no memory for the names
  }
}

}  // namespace

unique_fd open(const fs::path& path) noexcept { return unique_fd(::open(path.c_str(), directory_flags)); }

void make(const fs::path& path, std::string_view record) {
  if (::mkdir(path.c_str(), 0700) != 0) throw std::system_error(errno, std::generic_category(), path.string());
  const auto fail = [&](int error) {
    erase(path);
    throw std::system_error(error, std::generic_category(), path.string());
  };
  const unique_fd dir = open(path);
  if (!dir) fail(errno);
  for (const char* name : {work_name, tmp_name}) {
    if (::mkdirat(dir.get(), name, 0700) != 0) fail(errno);
  }
  const unique_fd file(::openat(dir.get(), record_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!file) fail(errno);
  if (!write_all(file.get(), record)) fail(errno ? errno : EIO);
}

bool is_own(int dir) noexcept {
  struct stat st {};
  if (::fstat(dir, &st) != 0 || st.st_uid != ::geteuid()) return false;
  return (st.st_mode & 07777) == 0700 || ::fchmod(dir, 0700) == 0;
}

bool is_pristine(int dir) noexcept {
  int found = 0;
  bool expected = true;
  const bool read = for_each_entry(dir, [&](std::string_view name, unsigned char reported) {
    const auto type = entry_type(dir, name, reported);
    expected = name == record_name ? type == DT_REG : (name == work_name || name == tmp_name) && type == DT_DIR;
    found += expected;
    return expected;
  });
  return read && expected && found == 3 && is_empty_private_directory(dir, work_name) &&
         is_empty_private_directory(dir, tmp_name);
}

bool rewrite_record(int dir, std::string_view record) noexcept {
  // O_NONBLOCK: a FIFO put in its place must not hang the caller.
  return overwrite(unique_fd(::openat(dir, record_name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)), record);
}

bool rewrite_record(const fs::path& path, std::string_view record) noexcept {
  try {
    const fs::path file = path / record_name;
    return overwrite(unique_fd(::open(file.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)), record);
  } catch (const std::exception&) {
    return false;  // no memory for the path
  }
}

bool empty_contents(const fs::path& path, int dir) noexcept {
  return empty_directory(path, dir, work_name) && empty_directory(path, dir, tmp_name);
}

std::error_code erase(const fs::path& path) noexcept {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? std::error_code() : std::error_code(errno, std::generic_category());
  }
  if (!S_ISDIR(st.st_mode)) {
    return ::unlink(path.c_str()) == 0 || errno == ENOENT ? std::error_code() : std::error_code(errno, std::generic_category());
  }
  try {
    for (const char* name : {work_name, tmp_name}) {
      if (const auto ec = remove_host_tree(path / name)) return ec;
    }
  } catch (const std::exception&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
  return remove_host_tree(path);
}

}  // namespace sbx::drivers::local::sandbox_dir
