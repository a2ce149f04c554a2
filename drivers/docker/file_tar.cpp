#include "drivers/docker/file_tar.hpp"

#include "sbx/errors.hpp"
#include "transfer/libarchive_handle.hpp"

#include <cstring>

namespace sbx::drivers::docker {
namespace {

using detail::archive_entry_ptr;
using detail::archive_message;
using detail::archive_reader;
using detail::archive_writer;

[[noreturn]] void fail(const char* op, const std::string& why, std::string path = {}) {
  error_info info{.backend = "docker", .op = op};
  if (!path.empty()) info.context["path"] = std::move(path);
  throw SandboxExecutionError(std::string(op) + " failed: " + why, std::move(info));
}

la_ssize_t append_to_string(archive*, void* out, const void* data, std::size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

// Writes one entry (and `content` for a regular file) into a fresh archive.
std::string single_entry_archive(std::string_view name, unsigned type, unsigned mode, std::string_view content,
                                 std::time_t mtime, const char* op) {
  std::string out;
  out.reserve(content.size() + 3 * 1024);
  archive_writer writer{archive_write_new()};
  archive_entry_ptr entry{archive_entry_new()};
  if (!writer || !entry) throw std::bad_alloc();
  archive* w = writer.get();
  auto check = [&](la_ssize_t status) {
    if (status < ARCHIVE_OK && status != ARCHIVE_WARN) fail(op, "cannot build the archive: " + archive_message(w));
  };
  check(archive_write_set_format_pax_restricted(w));
  check(archive_write_set_bytes_in_last_block(w, 1));
  check(archive_write_open(w, &out, nullptr, &append_to_string, nullptr));
  const std::string path(name);
  archive_entry_copy_pathname(entry.get(), path.c_str());
  archive_entry_set_filetype(entry.get(), type);
  archive_entry_set_perm(entry.get(), mode & 0777);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
  archive_entry_set_mtime(entry.get(), mtime, 0);
  check(archive_write_header(w, entry.get()));
  while (!content.empty()) {
    const auto written = archive_write_data(w, content.data(), content.size());
    if (written <= 0) check(written < 0 ? written : ARCHIVE_FATAL);
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  check(archive_write_close(w));
  return out;
}

}  // namespace

std::string file_archive(std::string_view name, std::string_view content, unsigned mode, std::time_t mtime) {
  return single_entry_archive(name, AE_IFREG, mode, content, mtime, "write_file");
}

std::string directory_archive(std::string_view name, std::time_t mtime) {
  return single_entry_archive(std::string(name) + "/", AE_IFDIR, 0755, {}, mtime, "upload_dir");
}

std::string gzip(std::string_view bytes) {
  const char* op = "download_dir";
  std::string out;
  out.reserve(bytes.size() / 2 + 1024);
  archive_writer writer{archive_write_new()};
  archive_entry_ptr entry{archive_entry_new()};
  if (!writer || !entry) throw std::bad_alloc();
  archive* w = writer.get();
  auto check = [&](la_ssize_t status) {
    if (status < ARCHIVE_OK && status != ARCHIVE_WARN) fail(op, "cannot compress the archive: " + archive_message(w));
  };
  check(archive_write_add_filter_gzip(w));
  check(archive_write_set_format_raw(w));
  check(archive_write_set_options(w, "gzip:compression-level=1,gzip:!timestamp"));
  check(archive_write_set_bytes_in_last_block(w, 1));
  check(archive_write_open(w, &out, nullptr, &append_to_string, nullptr));
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
  check(archive_write_header(w, entry.get()));
  while (!bytes.empty()) {
    const auto written = archive_write_data(w, bytes.data(), bytes.size());
    if (written <= 0) check(written < 0 ? written : ARCHIVE_FATAL);
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  check(archive_write_close(w));
  return out;
}

std::string first_member_content(std::string tar, const std::string& path) {
  const char* op = "read_file";
  archive_reader reader{archive_read_new()};
  if (!reader) throw std::bad_alloc();
  archive* r = reader.get();
  archive_read_support_format_tar(r);
  if (archive_read_open_memory(r, tar.data(), tar.size()) != ARCHIVE_OK)
    fail(op, "unreadable archive from the Docker daemon: " + archive_message(r), path);
  archive_entry* entry = nullptr;
  const int status = archive_read_next_header(r, &entry);
  if (status == ARCHIVE_EOF) fail(op, "the Docker daemon sent an empty archive", path);
  if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
    fail(op, "unreadable archive from the Docker daemon: " + archive_message(r), path);
  if (archive_entry_filetype(entry) != AE_IFREG) fail(op, "not a regular file", path);
  const auto size = static_cast<std::size_t>(archive_entry_size(entry));

  // Each block lands at its file offset; offsets never pass the block's own position in
  // `tar` (its header comes first), so moving forward never overwrites unread bytes.
  std::size_t end = 0;
  for (;;) {
    const void* block = nullptr;
    std::size_t length = 0;
    la_int64_t offset = 0;
    const int got = archive_read_data_block(r, &block, &length, &offset);
    if (got == ARCHIVE_EOF) break;
    if (got != ARCHIVE_OK && got != ARCHIVE_WARN)
      fail(op, "truncated or malformed archive from the Docker daemon: " + archive_message(r), path);
    const auto at = static_cast<std::size_t>(offset);
    if (at + length > size || at + length > tar.size()) fail(op, "malformed archive from the Docker daemon", path);
    if (at > end) std::memset(tar.data() + end, 0, at - end);
    std::memmove(tar.data() + at, block, length);
    end = std::max(end, at + length);
  }
  if (end < size) std::memset(tar.data() + end, 0, size - end);
  tar.resize(size);
  return tar;
}

}  // namespace sbx::drivers::docker
