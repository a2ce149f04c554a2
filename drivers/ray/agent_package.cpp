#include "drivers/ray/agent_package.hpp"

#include "drivers/ray/ray_errors.hpp"
#include "drivers/ray/token.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace sbx::drivers::ray {
namespace {

using archive_ptr = std::unique_ptr<archive, decltype(&archive_write_free)>;
using entry_ptr = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

[[noreturn]] void fail(archive* a) {
  throw SandboxConfigurationError(std::string("cannot pack the Ray agent: ") + archive_error_string(a),
                                  ray_error("start"));
}

// libarchive's write callback appending to a std::string.
la_ssize_t append(archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

}  // namespace

agent_package make_agent_package(std::string_view source) {
  agent_package package{.name = "_ray_pkg_sbx_agent_" + sha256_hex(source).substr(0, 20) + ".zip"};
  archive_ptr zip(archive_write_new(), &archive_write_free);
  if (archive_write_set_format_zip(zip.get()) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(zip.get(), 1) != ARCHIVE_OK ||  // no padding
      archive_write_open(zip.get(), &package.zip, nullptr, append, nullptr) != ARCHIVE_OK)
    fail(zip.get());
  entry_ptr entry(archive_entry_new(), &archive_entry_free);
  archive_entry_set_pathname(entry.get(), std::string(agent_file_name).c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(source.size()));
  archive_entry_set_mtime(entry.get(), 315532800, 0);  // 1980-01-01, zip's epoch
  if (archive_write_header(zip.get(), entry.get()) != ARCHIVE_OK ||
      archive_write_data(zip.get(), source.data(), source.size()) != static_cast<la_ssize_t>(source.size()) ||
      archive_write_close(zip.get()) != ARCHIVE_OK)
    fail(zip.get());
  return package;
}

}  // namespace sbx::drivers::ray
