// Directories and record files of destroyed sandboxes, kept empty for the next ones.
//
// Why: on ext4 (the usual /tmp) creating an inode next to many recently freed ones is
// slow, because the allocator skips every inode freed in the last seconds and reads
// its inode table entry to find that out (a fan-out that created and removed three
// inodes per sandbox spent half of its CPU there: perf's recently_deleted,
// find_inode_bit), and removing one costs an I/O where freed blocks are discarded
// (~1 ms each here). Renaming an emptied directory back into place costs neither.
//
// Spares wait beside the sandboxes as <base>/.spare-<random>-<n> (renames within one
// directory are the cheapest) and belong to the base directory, not to a process: a
// driver adopts the spares it finds when it starts and leaves its own when it goes,
// so the next run finds them too. Taking a spare is a rename, so two processes can
// never get the same one. A sweep (`sbx gc`) removes them all. Thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace sbx::drivers::local {

class spare_pool {
 public:
  /// A pool for sandboxes under `base` keeping at most `capacity` directories and as
  /// many files, starting with the spares already there.
  explicit spare_pool(std::filesystem::path base, std::size_t capacity = 4096);
  spare_pool(const spare_pool&) = delete;
  spare_pool& operator=(const spare_pool&) = delete;

  /// Moves a spare directory to `target`, which must not exist; the directory is
  /// empty, mode 0700. Returns false when there is no spare to use (the caller then
  /// creates one); never throws.
  bool take_directory(const std::filesystem::path& target) noexcept;

  /// Writes `content` into a spare file and moves it to `target` only if `target`
  /// does not exist (like O_CREAT|O_EXCL). Returns 0 on success, EEXIST when
  /// `target` exists (the spare stays in the pool), or -1 when there is no spare to
  /// use (the caller then creates the file itself).
  int place_file(const std::filesystem::path& target, std::string_view content) noexcept;

  /// Empties `dir` and moves it into the pool, or removes it when the pool is full or
  /// it cannot be moved (another filesystem, say). A missing `dir` is not an error.
  /// Returns the failure to remove.
  std::error_code retire_directory(const std::filesystem::path& dir) noexcept;

  /// Moves the file `file` into the pool, or removes it. A missing file is not an
  /// error. Returns the failure to remove.
  std::error_code retire_file(const std::filesystem::path& file) noexcept;

  /// Removes every spare under `base`, this pool's and any other's (a pool that loses
  /// a spare this way just makes a new directory). Returns how many were removed.
  static std::size_t remove_all(const std::filesystem::path& base) noexcept;

 private:
  // Reserves a name for one more of `spares`; empty when that kind is at capacity.
  std::filesystem::path next_slot(const std::vector<std::filesystem::path>& spares);
  // Takes one spare name out of `spares`; empty when there is none.
  std::filesystem::path pop(std::vector<std::filesystem::path>& spares);
  void push(std::vector<std::filesystem::path>& spares, std::filesystem::path spare);

  const std::filesystem::path base_;
  const std::string prefix_;  // of this pool's spares' names
  const std::size_t capacity_;
  std::mutex mutex_;
  std::size_t next_name_ = 0;
  std::vector<std::filesystem::path> directories_;
  std::vector<std::filesystem::path> files_;
};

}  // namespace sbx::drivers::local
