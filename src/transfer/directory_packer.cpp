// tar.gz of a host directory, produced one bounded step at a time.
#include "process/unique_fd.hpp"
#include "sbx/errors.hpp"
#include "transfer/archive.hpp"
#include "transfer/libarchive_handle.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <vector>

namespace sbx::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t chunk_size = 64 * 1024;  // bytes read per step and returned per chunk

/// One member to be: its archive name ("a/b.txt", "dir/") and whether it is a directory.
struct tree_entry {
  std::string name;
  bool is_dir;
};

WorkspaceError upload_error(const std::string& message, const fs::path& path) {
  error_info info;
  info.op = "upload_dir";
  info.context.emplace("path", path.string());
  return WorkspaceError(message, std::move(info));
}

/// upload_error for a failed system call, with errno's description.
WorkspaceError io_error(const char* what, const fs::path& path) {
  const int err = errno;
  return upload_error(std::string{what} + ": " + std::strerror(err), path);
}

/// Appends the directories and regular files below root/prefix (prefix is "" or ends
/// in "/"), recursing without following symlinks.
void list_tree(const fs::path& root, const std::string& prefix, std::vector<tree_entry>& out) {
  const auto dir = root / prefix;
  std::error_code ec;
  for (fs::directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) {
    const auto status = it->symlink_status(ec);
    if (ec) break;
    const auto name = prefix + it->path().filename().string();
    if (fs::is_directory(status)) {
      out.push_back({name + "/", true});
      list_tree(root, name + "/", out);
    } else if (fs::is_regular_file(status)) {
      out.push_back({name, false});
    }
  }
  if (ec) throw upload_error("cannot list directory: " + ec.message(), dir);
}

}  // namespace

struct directory_packer::state {
  fs::path root;
  std::vector<tree_entry> entries;  // sorted by name
  std::size_t next = 0;             // index of the next entry to start
  std::size_t file_count = 0;
  process::unique_fd file;          // the regular file being copied, if any
  fs::path file_path;
  off_t remaining = 0;              // bytes of `file` still to copy
  std::array<char, chunk_size> buffer;
  std::string out;                  // archive bytes produced since the last chunk
  std::exception_ptr sink_error;    // thrown inside the write callback
  bool finished = false;
  archive_entry_ptr entry{archive_entry_new()};
  archive_writer writer{archive_write_new()};  // last: freeing it may still call on_write

  static la_ssize_t on_write(archive*, void* self, const void* data, std::size_t size) {
    auto& s = *static_cast<state*>(self);
    try {
      s.out.append(static_cast<const char*>(data), size);
      return static_cast<la_ssize_t>(size);
    } catch (...) {
      s.sink_error = std::current_exception();
      return -1;
    }
  }

  /// Throws unless `status` is a libarchive success for the member at `path`.
  /// ARCHIVE_WARN is a success: a name not convertible to UTF-8 is written as bytes.
  void check(la_ssize_t status, const fs::path& path) {
    if (status >= ARCHIVE_OK || status == ARCHIVE_WARN) return;
    if (sink_error) std::rethrow_exception(sink_error);
    throw upload_error("cannot write archive: " + archive_message(writer.get()), path);
  }

  void open_writer() {
    if (!entry || !writer) throw std::bad_alloc();
    archive* w = writer.get();
    check(archive_write_add_filter_gzip(w), root);
    check(archive_write_set_format_pax_restricted(w), root);
    check(archive_write_set_options(w, "gzip:!timestamp"), root);  // reproducible output
    check(archive_write_set_bytes_in_last_block(w, 1), root);
    check(archive_write_open(w, this, nullptr, &state::on_write, nullptr), root);
  }

  void write_header(const std::string& name, mode_t type, const struct stat& st,
                    const fs::path& path) {
    archive_entry_clear(entry.get());
    archive_entry_copy_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), type);
    archive_entry_set_perm(entry.get(), st.st_mode & 0777);
    archive_entry_set_size(entry.get(), type == AE_IFREG ? st.st_size : 0);
    archive_entry_set_mtime(entry.get(), st.st_mtim.tv_sec, 0);
    check(archive_write_header(writer.get(), entry.get()), path);
  }

  void start_entry(const tree_entry& e) {
    // Without the directory's trailing "/", which would make lstat follow a symlink.
    const auto path = root / std::string_view{e.name}.substr(0, e.name.size() - e.is_dir);
    struct stat st {};
    if (e.is_dir) {
      if (::lstat(path.c_str(), &st) != 0) throw io_error("cannot stat", path);
      if (!S_ISDIR(st.st_mode)) throw upload_error("no longer a directory", path);
      write_header(e.name, AE_IFDIR, st, path);
      return;
    }
    // O_NOFOLLOW: a file swapped for a symlink is not followed; O_NONBLOCK: nor does a
    // fifo swapped in block the open.
    process::unique_fd fd{
        ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)};
    if (!fd || ::fstat(fd.get(), &st) != 0) throw io_error("cannot open", path);
    if (!S_ISREG(st.st_mode)) throw upload_error("no longer a regular file", path);
    write_header(e.name, AE_IFREG, st, path);
    if (st.st_size > 0) {
      file = std::move(fd);
      file_path = path;
      remaining = st.st_size;
    }
  }

  void copy_block() {
    const auto want = static_cast<std::size_t>(std::min<off_t>(remaining, chunk_size));
    const auto n = ::read(file.get(), buffer.data(), want);
    if (n < 0 && errno == EINTR) return;
    if (n < 0) throw io_error("cannot read", file_path);
    if (n == 0) throw upload_error("file shrank while being archived", file_path);
    check(archive_write_data(writer.get(), buffer.data(), static_cast<std::size_t>(n)),
          file_path);
    remaining -= n;
    if (remaining == 0) file.reset();
  }

  /// One bounded unit of work: a header, one block of file data, or the trailer.
  void step() {
    if (file) {
      copy_block();
    } else if (next < entries.size()) {
      start_entry(entries[next++]);
    } else {
      check(archive_write_close(writer.get()), root);
      finished = true;
    }
  }
};

directory_packer::directory_packer(const fs::path& root) : state_(std::make_unique<state>()) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    error_info info;
    info.op = "upload_dir";
    info.context.emplace("path", root.string());
    throw SandboxConfigurationError("not a directory", std::move(info));
  }
  auto& s = *state_;
  s.root = root;
  list_tree(root, "", s.entries);
  std::sort(s.entries.begin(), s.entries.end(),
            [](const tree_entry& a, const tree_entry& b) { return a.name < b.name; });
  s.file_count = static_cast<std::size_t>(std::count_if(
      s.entries.begin(), s.entries.end(), [](const tree_entry& e) { return !e.is_dir; }));
  s.open_writer();
}

directory_packer::~directory_packer() = default;
directory_packer::directory_packer(directory_packer&&) noexcept = default;
directory_packer& directory_packer::operator=(directory_packer&&) noexcept = default;

std::size_t directory_packer::file_count() const noexcept { return state_->file_count; }

std::string_view directory_packer::next_chunk() {
  auto& s = *state_;
  s.out.clear();
  while (!s.finished && s.out.size() < chunk_size) s.step();
  return s.out;
}

std::string pack_directory(const fs::path& root, std::size_t& file_count) {
  directory_packer packer{root};
  std::string archive;
  for (auto chunk = packer.next_chunk(); !chunk.empty(); chunk = packer.next_chunk())
    archive += chunk;
  file_count = packer.file_count();
  return archive;
}

}  // namespace sbx::detail
