// Directories of destroyed sandboxes, emptied and kept for the next ones.
//
// Why: on ext4 (the usual /tmp) creating an inode next to many recently freed ones is
// slow, because the allocator skips every inode freed in the last seconds and reads
// its inode table entry to find that out (a fan-out that created and removed three
// inodes per sandbox spent half of its CPU there: perf's recently_deleted,
// find_inode_bit), and removing one costs an I/O where freed blocks are discarded
// (~1 ms each here). Renaming an emptied directory back into place costs neither.
//
// A spare is a whole sandbox directory (sandbox_dir.hpp): taking one for a new sandbox
// and giving one back are one rename each. Spares wait beside the sandboxes as
// <base>/.spare-<random>-<n> (renames within one directory are the cheapest) and
// belong to the base directory, not to a process: a driver adopts the spares it finds
// when it starts and leaves its own when it goes, so the next run finds them too.
// Taking a spare is a rename, so two processes can never get the same one.
//
// A spare this pool emptied itself is trusted when it is taken: only its record is
// rewritten. One found at start (another process's, maybe left half-emptied by a
// crash) is checked first: this user's, nothing else inside. On the local backend a
// command's process that escaped its process group (setsid) can keep writing into its
// old directory, before or after the directory is reused; checking at reuse would not
// close that, isolation does (bwrap's processes cannot outlive their sandbox). A
// sweep (`sbx gc`) removes all spares. Thread-safe.
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
  /// A pool for sandboxes under `base` keeping at most `capacity` spares, starting
  /// with the spares already there.
  explicit spare_pool(std::filesystem::path base, std::size_t capacity = 4096);
  spare_pool(const spare_pool&) = delete;
  spare_pool& operator=(const spare_pool&) = delete;

  /// Makes `target`, a new sandbox directory in the base directory, with `record` as
  /// its owner record and empty work/ and tmp/: a spare when there is a usable one,
  /// else a new directory (creating the base directory if needed). Returns false,
  /// using nothing up, when `target` exists (the caller then picks another name).
  /// Throws std::system_error when no directory can be made.
  bool place(const std::filesystem::path& target, std::string_view record);

  /// Empties work/ and tmp/ of the sandbox directory `dir`, makes the three
  /// directories private again and keeps it as a spare; removes it instead when the
  /// pool is full or it cannot be kept (a piece replaced by a symlink, say). A missing
  /// `dir` is not an error. Returns the failure to remove.
  std::error_code retire(const std::filesystem::path& dir) noexcept;

  /// Removes every spare under `base`, this pool's and any other's (a pool that loses
  /// a spare this way just makes a new directory). Returns how many were removed.
  static std::size_t remove_all(const std::filesystem::path& base) noexcept;

 private:
  struct spare {
    std::filesystem::path path;
    bool emptied_here = false;  // retired (or made) by this pool: trusted when taken
  };

  // Takes one spare out of the pool; an empty path when there is none.
  spare pop();
  void push(spare spare);
  // A name for a new spare; empty when `counted` and the pool is at capacity.
  std::filesystem::path next_name(bool counted);
  // Moves the spare to `target` with `record`, checking it first unless it was
  // emptied here: 0, EEXIST when `target` exists (the spare stays in the pool), or
  // another error (the spare is dropped).
  int take(const spare& spare, const std::filesystem::path& target, std::string_view record);

  const std::filesystem::path base_;
  const std::string prefix_;  // of this pool's spares' names
  const std::size_t capacity_;
  std::mutex mutex_;
  std::size_t next_name_ = 0;
  std::vector<spare> spares_;
};

}  // namespace sbx::drivers::local
