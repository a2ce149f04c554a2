#include "drivers/docker/directory_listing.hpp"

#include "sbx/errors.hpp"

#include <charconv>

namespace sbx::drivers::docker {

const std::string& listing_script() {
  static const std::string script = R"sh(if [ ! -e "$1" ] && [ ! -L "$1" ]; then echo "no such file or directory: $1" >&2; exit 3; fi
if [ ! -d "$1" ]; then echo "not a directory: $1" >&2; exit 4; fi
if find / -maxdepth 0 -printf '' >/dev/null 2>&1; then
  exec find "$1" -mindepth 1 -maxdepth 1 -printf '%y %s %p\0'
fi
d=${1%/}
for f in "$d"/* "$d"/.[!.]* "$d"/..?*; do
  if [ -L "$f" ]; then printf 'l 0 %s\0' "$f"
  elif [ -d "$f" ]; then printf 'd 0 %s\0' "$f"
  elif [ -f "$f" ]; then printf 'f %s %s\0' "$(stat -c %s -- "$f")" "$f"
  elif [ -e "$f" ]; then printf 'o 0 %s\0' "$f"
  fi
done
)sh";
  return script;
}

std::vector<FileInfo> parse_listing(std::string_view output) {
  std::vector<FileInfo> entries;
  while (!output.empty()) {
    const auto end = output.find('\0');
    const auto record = output.substr(0, end);
    output.remove_prefix(end == std::string_view::npos ? output.size() : end + 1);
    const auto space = record.find(' ', 2);
    if (record.size() < 5 || record[1] != ' ' || space == std::string_view::npos || space + 1 >= record.size())
      throw SandboxExecutionError("list_files failed: malformed listing record", {.backend = "docker", .op = "list_files"});
    FileInfo info{.path = std::string(record.substr(space + 1)), .is_dir = record[0] == 'd'};
    if (record[0] == 'f') {
      std::uint64_t size = 0;
      const auto digits = record.substr(2, space - 2);
      std::from_chars(digits.data(), digits.data() + digits.size(), size);
      info.size = size;
    }
    entries.push_back(std::move(info));
  }
  return entries;
}

}  // namespace sbx::drivers::docker
