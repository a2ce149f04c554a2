// libFuzzer target: the archive extractor and the member path rule on arbitrary bytes.
// Any exception other than sbx::SandboxError, a file written beside the destination, or
// a safe_member_path result that breaks its guarantees is a crash.
#include "sbx/errors.hpp"
#include "transfer/archive.hpp"

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace {

namespace fs = std::filesystem;

/// Traps unless a safe_member_path result is relative with only ordinary components.
void check_member_path(std::string_view name) {
  const auto path = sbx::detail::safe_member_path(name);
  if (!path) return;
  std::string_view rest = *path;
  if (rest.find('\0') != std::string_view::npos) __builtin_trap();
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const auto component = rest.substr(0, slash);
    if (component.empty() || component == "." || component == "..") __builtin_trap();
    rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
  }
}

/// Removes `dir` even when extraction left directories without owner permissions.
void remove_tree(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec))
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(dir, ec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_member_path(input);

  std::string pattern = (fs::temp_directory_path() / "sbx-archive-fuzz-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) __builtin_trap();
  const fs::path scratch = pattern;
  const auto dest = scratch / "out";
  try {
    sbx::detail::unpack_archive(input, dest);
  } catch (const sbx::SandboxError&) {
  }
  for (const auto& entry : fs::directory_iterator(scratch)) {
    if (entry.path() != dest) __builtin_trap();
  }
  remove_tree(scratch);
  return 0;
}
