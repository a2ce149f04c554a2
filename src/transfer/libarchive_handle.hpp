// RAII ownership of libarchive objects, and their error text.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>

namespace sbx::detail {

struct archive_read_deleter {
  void operator()(archive* a) const noexcept { archive_read_free(a); }
};
struct archive_write_deleter {
  void operator()(archive* a) const noexcept { archive_write_free(a); }
};
struct archive_entry_deleter {
  void operator()(archive_entry* e) const noexcept { archive_entry_free(e); }
};

using archive_reader = std::unique_ptr<archive, archive_read_deleter>;
using archive_writer = std::unique_ptr<archive, archive_write_deleter>;
using archive_entry_ptr = std::unique_ptr<archive_entry, archive_entry_deleter>;

/// libarchive's description of the last error on `a`.
inline std::string archive_message(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "unknown libarchive error";
}

}  // namespace sbx::detail
