// Extraction in two passes over the in-memory archive: validate every member, then write.
#include "sbx/errors.hpp"
#include "transfer/archive.hpp"
#include "transfer/confined_dir.hpp"
#include "transfer/libarchive_handle.hpp"
#include "transfer/member_tree.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <functional>
#include <map>
#include <system_error>

namespace sbx::detail {
namespace {

constexpr std::size_t name_max = 255;   // longest file name component on Linux
constexpr std::size_t path_max = 4095;  // longest path a single system call accepts

/// What one member becomes on disk.
struct member_plan {
  enum class kind { skip, directory, file };
  kind what;
  std::string path;  // safe_member_path of the name
  mode_t mode;       // permission bits, masked with 0777
};

/// WorkspaceError with op "extract" and whichever of "member" and "path" are non-empty.
WorkspaceError extract_error(const std::string& message, std::string_view member,
                             const std::filesystem::path& path = {}) {
  error_info info;
  info.op = "extract";
  if (!member.empty()) info.context.emplace("member", member);
  if (!path.empty()) info.context.emplace("path", path.string());
  return WorkspaceError(message, std::move(info));
}

[[noreturn]] void refuse(const std::string& message, const char* member = nullptr) {
  throw extract_error(message, member ? member : "");
}

const char* type_name(mode_t type) {
  switch (type) {
    case AE_IFLNK: return "symlink";
    case AE_IFCHR: return "character device";
    case AE_IFBLK: return "block device";
    case AE_IFIFO: return "fifo";
    default: return "unknown type";
  }
}

bool too_long(std::string_view path) {
  if (path.size() > path_max) return true;
  for (auto slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/')) {
    if (slash > name_max) return true;
    path.remove_prefix(slash + 1);
  }
  return path.size() > name_max;
}

/// Applies the member rules to one header; throws WorkspaceError when it is refused.
member_plan classify(archive_entry* entry) {
  const char* name = archive_entry_pathname(entry);
  if (!name) refuse("archive member without a name");
  if (archive_entry_hardlink(entry)) refuse("hardlink members are not allowed", name);
  const auto type = archive_entry_filetype(entry);
  if (type != AE_IFREG && type != AE_IFDIR)
    refuse(std::string{type_name(type)} + " members are not allowed", name);
  auto path = safe_member_path(name);
  if (!path) refuse("unsafe member name (absolute or with a '..' component)", name);
  if (path->empty()) {
    if (type == AE_IFDIR) return {member_plan::kind::skip, {}, 0};
    refuse("file member with an empty name", name);
  }
  if (too_long(*path))
    refuse("member name longer than 4095 bytes or with a component over 255", name);
  const auto what = type == AE_IFDIR ? member_plan::kind::directory : member_plan::kind::file;
  return {what, std::move(*path), static_cast<mode_t>(archive_entry_perm(entry) & 0777)};
}

archive_reader open_reader(std::string_view data) {
  if (data.empty()) refuse("invalid archive: empty input");
  archive_reader reader{archive_read_new()};
  if (!reader) throw std::bad_alloc();
  archive_read_support_filter_gzip(reader.get());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_memory(reader.get(), data.data(), data.size()) != ARCHIVE_OK)
    refuse("invalid archive: " + archive_message(reader.get()));
  return reader;
}

/// The next member's header, or nullptr at the end of the archive.
archive_entry* next_member(archive* reader) {
  archive_entry* entry = nullptr;
  const int status = archive_read_next_header(reader, &entry);
  if (status == ARCHIVE_EOF) return nullptr;
  // ARCHIVE_WARN: a name that could not be converted to the locale; it is kept as bytes.
  if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
    refuse("invalid archive: " + archive_message(reader));
  return entry;
}

/// Pass one: refuses the archive if any member is refused; returns the number of files.
std::size_t validate(std::string_view data) {
  const auto reader = open_reader(data);
  member_tree paths;
  while (auto* entry = next_member(reader.get())) {
    const auto plan = classify(entry);
    if (plan.what != member_plan::kind::skip &&
        !paths.add(plan.path, plan.what == member_plan::kind::directory))
      refuse("member is a file where another member needs a directory, or vice versa",
             archive_entry_pathname(entry));
    if (archive_read_data_skip(reader.get()) != ARCHIVE_OK)
      refuse("invalid archive: " + archive_message(reader.get()), archive_entry_pathname(entry));
  }
  return paths.file_count();
}

void write_all(int fd, const char* data, std::size_t size, off_t offset) {
  while (size > 0) {
    const auto n = ::pwrite(fd, data, size, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "write");
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += n;
  }
}

/// Writes the current member's data (sparse holes kept) to a new file at plan.path.
void extract_file(archive* reader, archive_entry* entry, confined_dir& out,
                  const member_plan& plan) {
  const auto fd = out.create_file(plan.path);
  const void* block = nullptr;
  std::size_t size = 0;
  la_int64_t offset = 0;
  for (;;) {
    const int status = archive_read_data_block(reader, &block, &size, &offset);
    if (status == ARCHIVE_EOF) break;
    if (status != ARCHIVE_OK)
      refuse("invalid archive: " + archive_message(reader), archive_entry_pathname(entry));
    write_all(fd.get(), static_cast<const char*>(block), size, static_cast<off_t>(offset));
  }
  if (archive_entry_size_is_set(entry) && ::ftruncate(fd.get(), archive_entry_size(entry)) != 0)
    throw std::system_error(errno, std::generic_category(), "truncate");
  if (::fchmod(fd.get(), plan.mode) != 0)
    throw std::system_error(errno, std::generic_category(), "chmod");
  if (archive_entry_mtime_is_set(entry)) {
    const timespec times[2] = {{0, UTIME_OMIT},
                               {archive_entry_mtime(entry), archive_entry_mtime_nsec(entry)}};
    (void)::futimens(fd.get(), times);  // best effort: an unstorable time is not worth failing
  }
}

/// Pass two: writes every member below `dest`; directory modes are set last, deepest
/// first, so a read-only directory does not block its own contents.
void extract(std::string_view data, const std::filesystem::path& dest) {
  const auto reader = open_reader(data);
  confined_dir out{dest};
  std::map<std::string, mode_t, std::greater<>> dir_modes;
  while (auto* entry = next_member(reader.get())) {
    const auto plan = classify(entry);
    try {
      if (plan.what == member_plan::kind::directory) {
        out.make_dir(plan.path);
        dir_modes.insert_or_assign(plan.path, plan.mode);
      } else if (plan.what == member_plan::kind::file) {
        extract_file(reader.get(), entry, out, plan);
      }
    } catch (const std::system_error& e) {
      throw extract_error(std::string{"cannot extract member: "} + e.what(),
                          archive_entry_pathname(entry), dest / plan.path);
    }
  }
  for (const auto& [path, mode] : dir_modes) {
    try {
      out.set_dir_mode(path, mode);
    } catch (const std::system_error& e) {
      throw extract_error(std::string{"cannot extract member: "} + e.what(), path + "/",
                          dest / path);
    }
  }
}

}  // namespace

std::size_t unpack_archive(std::string_view archive, const std::filesystem::path& dest) {
  const auto file_count = validate(archive);
  std::error_code ec;
  std::filesystem::create_directories(dest, ec);
  try {
    if (ec) throw std::system_error(ec);
    extract(archive, dest);
  } catch (const std::system_error& e) {
    throw extract_error(std::string{"cannot extract archive: "} + e.what(), {}, dest);
  }
  return file_count;
}

}  // namespace sbx::detail
