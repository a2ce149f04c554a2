#include "drivers/local/spare_pool.hpp"

#include "drivers/local/host_files.hpp"
#include "drivers/local/sandbox_dir.hpp"
#include "owner_labels.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>

namespace sbx::drivers::local {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view pool_prefix = ".spare-";

// rename(2) that fails with EEXIST instead of replacing `to`.
int rename_no_replace(const fs::path& from, const fs::path& to) noexcept {
  return ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0 ? 0 : errno;
}

}  // namespace

spare_pool::spare_pool(fs::path base, std::size_t capacity)
    : base_(std::move(base)),
      prefix_(std::string(pool_prefix) + detail::random_hex(12) + "-"),
      capacity_(capacity) {
  // Names only: each spare is checked when it is taken.
  std::error_code ec;
  for (fs::directory_iterator it(base_, ec), end; !ec && it != end && spares_.size() < capacity_; it.increment(ec)) {
    if (it->path().filename().native().starts_with(pool_prefix)) spares_.push_back({.path = it->path()});
  }
}

spare_pool::spare spare_pool::pop() {
  const std::lock_guard lock(mutex_);
  if (spares_.empty()) return {};
  spare taken = std::move(spares_.back());
  spares_.pop_back();
  return taken;
}

void spare_pool::push(spare spare) {
  const std::lock_guard lock(mutex_);
  spares_.push_back(std::move(spare));
}

fs::path spare_pool::next_name(bool counted) {
  const std::lock_guard lock(mutex_);
  if (counted && spares_.size() >= capacity_) return {};
  return base_ / (prefix_ + std::to_string(next_name_++));
}

int spare_pool::take(const spare& spare, const fs::path& target, std::string_view record) {
  bool fit = false;
  if (spare.emptied_here) {
    fit = sandbox_dir::rewrite_record(spare.path, record);
  } else {
    const process::unique_fd dir = sandbox_dir::open(spare.path);
    if (!dir) return errno;  // gone (another process took it), or not a directory: forgotten
    if (!sandbox_dir::is_own(dir.get())) return EPERM;  // someone else's: forgotten
    fit = sandbox_dir::is_pristine(dir.get()) && sandbox_dir::rewrite_record(dir.get(), record);
  }
  if (!fit) {
    sandbox_dir::erase(spare.path);  // not in the shape this pool leaves: not worth cleaning
    return EINVAL;
  }
  return rename_no_replace(spare.path, target);
}

bool spare_pool::place(const fs::path& target, std::string_view record) {
  for (spare spare = pop(); !spare.path.empty(); spare = pop()) {
    const int error = take(spare, target, record);
    if (error == 0) return true;
    if (error == EEXIST) {
      push(std::move(spare));
      return false;
    }
  }
  fs::path made = next_name(false);
  try {
    sandbox_dir::make(made, record);
  } catch (const std::system_error& e) {
    if (e.code() != std::errc::no_such_file_or_directory) throw;
    fs::create_directories(base_);
    sandbox_dir::make(made, record);
  }
  if (const int error = rename_no_replace(made, target)) {
    if (error == EEXIST) {
      push({.path = std::move(made), .emptied_here = true});  // a spare now
      return false;
    }
    sandbox_dir::erase(made);
    throw std::system_error(error, std::generic_category(), target.string());
  }
  return true;
}

std::error_code spare_pool::retire(const fs::path& dir) noexcept {
  try {
    const process::unique_fd fd = sandbox_dir::open(dir);
    if (!fd && errno == ENOENT) return {};
    if (!fd || !sandbox_dir::is_own(fd.get()) || !sandbox_dir::empty_contents(dir, fd.get())) {
      return sandbox_dir::erase(dir);
    }
    fs::path slot = next_name(true);
    if (slot.empty() || ::rename(dir.c_str(), slot.c_str()) != 0) return sandbox_dir::erase(dir);
    push({.path = std::move(slot), .emptied_here = true});
    return {};
  } catch (const std::exception&) {
    return sandbox_dir::erase(dir);
  }
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
