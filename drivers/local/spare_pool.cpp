#include "drivers/local/spare_pool.hpp"

#include "drivers/local/host_files.hpp"
#include "owner_labels.hpp"
#include "process/unique_fd.hpp"

#include <cerrno>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sbx::drivers::local {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view pool_prefix = ".spare-";

// rename(2) that fails with EEXIST instead of replacing `to`.
int rename_no_replace(const fs::path& from, const fs::path& to) noexcept {
  return ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0 ? 0 : errno;
}

// Removes everything inside `dir`, keeping `dir` itself.
std::error_code empty_directory(const fs::path& dir) noexcept {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (const auto failure = remove_host_tree(it->path())) return failure;
  }
  return ec;
}

// True when the open directory `dir` has no entries (false also when it cannot be read).
bool is_empty(process::unique_fd dir) noexcept {
  DIR* stream = ::fdopendir(dir.get());
  if (stream == nullptr) return false;
  dir.release();
  bool empty = true;
  errno = 0;
  while (const dirent* entry = ::readdir(stream)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") {
      empty = false;
      break;
    }
  }
  if (errno != 0) empty = false;
  ::closedir(stream);
  return empty;
}

// Opens `path` (never through a symlink) only if this user owns it, giving it `mode`.
// Invalid when it is missing, someone else's, or cannot be changed.
process::unique_fd open_private(const fs::path& path, int flags, mode_t mode) noexcept {
  process::unique_fd fd(::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || st.st_uid != ::geteuid()) return {};
  if ((st.st_mode & 07777) != mode && ::fchmod(fd.get(), mode) != 0) return {};
  return fd;
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

}  // namespace

spare_pool::spare_pool(fs::path base, std::size_t capacity)
    : base_(std::move(base)),
      prefix_(std::string(pool_prefix) + detail::random_hex(12) + "-"),
      capacity_(capacity) {
  std::error_code ec;
  for (fs::directory_iterator it(base_, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->path().filename().native().starts_with(pool_prefix)) continue;
    std::error_code type_error;
    const auto type = it->symlink_status(type_error).type();
    if (type_error || (type != fs::file_type::directory && type != fs::file_type::regular)) continue;
    auto& spares = type == fs::file_type::directory ? directories_ : files_;
    if (spares.size() < capacity_) spares.push_back(it->path());
  }
}

fs::path spare_pool::pop(std::vector<fs::path>& spares) {
  const std::lock_guard lock(mutex_);
  if (spares.empty()) return {};
  fs::path spare = std::move(spares.back());
  spares.pop_back();
  return spare;
}

void spare_pool::push(std::vector<fs::path>& spares, fs::path spare) {
  const std::lock_guard lock(mutex_);
  spares.push_back(std::move(spare));
}

fs::path spare_pool::next_slot(const std::vector<fs::path>& spares) {
  const std::lock_guard lock(mutex_);
  if (spares.size() >= capacity_) return {};
  return base_ / (prefix_ + std::to_string(next_name_++));
}

bool spare_pool::take_directory(const fs::path& target) noexcept {
  try {
    fs::path spare = pop(directories_);
    if (spare.empty()) return false;
    // Spares outlive processes: one that is not ours or not empty (a command that
    // escaped its sandbox wrote into it) is dropped.
    process::unique_fd fd = open_private(spare, O_RDONLY | O_DIRECTORY, 0700);
    if (!fd) return false;  // gone, or someone else's: forgotten
    if (!is_empty(std::move(fd))) {
      remove_host_tree(spare);
      return false;
    }
    if (const int error = rename_no_replace(spare, target)) {
      if (error != ENOENT) push(directories_, std::move(spare));
      return false;
    }
    return true;
  } catch (const std::exception&) {
    return false;  // no memory for a path: the caller makes a new directory
  }
}

int spare_pool::place_file(const fs::path& target, std::string_view content) noexcept {
  try {
    fs::path spare = pop(files_);
    if (spare.empty()) return -1;
    // Overwritten, then cut to length: truncating to zero first would make ext4
    // allocate the file's blocks at close (its replace-by-truncate heuristic).
    const process::unique_fd fd = open_private(spare, O_WRONLY, 0600);
    if (!fd || !write_all(fd.get(), content) || ::ftruncate(fd.get(), static_cast<off_t>(content.size())) != 0) {
      ::unlink(spare.c_str());
      return -1;
    }
    if (const int error = rename_no_replace(spare, target)) {
      if (error == EEXIST) {
        push(files_, std::move(spare));
        return EEXIST;
      }
      ::unlink(spare.c_str());
      return -1;
    }
    return 0;
  } catch (const std::exception&) {
    return -1;
  }
}

std::error_code spare_pool::retire_directory(const fs::path& dir) noexcept {
  try {
    // Opened, not chmod(2)ed by path: a command may have put a symlink where the
    // directory was.
    process::unique_fd fd = open_private(dir, O_RDONLY | O_DIRECTORY, 0700);
    if (!fd && errno == ENOENT) return {};
    if (!fd) return remove_host_tree(dir);
    if (!is_empty(std::move(fd)) && empty_directory(dir)) return remove_host_tree(dir);
    fs::path slot = next_slot(directories_);
    if (slot.empty() || ::rename(dir.c_str(), slot.c_str()) != 0) return remove_host_tree(dir);
    push(directories_, std::move(slot));
    return {};
  } catch (const std::exception&) {
    return remove_host_tree(dir);
  }
}

std::error_code spare_pool::retire_file(const fs::path& file) noexcept {
  try {
    fs::path slot = next_slot(files_);
    if (!slot.empty() && ::rename(file.c_str(), slot.c_str()) == 0) {
      push(files_, std::move(slot));
      return {};
    }
  } catch (const std::exception&) {
    // fall through: remove it
  }
  if (::unlink(file.c_str()) != 0 && errno != ENOENT) return {errno, std::generic_category()};
  return {};
}

std::size_t spare_pool::remove_all(const fs::path& base) noexcept {
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->path().filename().native().starts_with(pool_prefix)) continue;
    if (!remove_host_tree(it->path())) ++removed;
  }
  return removed;
}

}  // namespace sbx::drivers::local
