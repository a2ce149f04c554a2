#include "drivers/bwrap/bwrap_command.hpp"

#include <initializer_list>

namespace sbx::drivers::bwrap {
namespace {

// True when `path` is `dir` or below it (both absolute and normalised).
bool is_within(const std::string& path, const std::string& dir) {
  return path == dir || (path.starts_with(dir) && (dir.ends_with('/') || path[dir.size()] == '/'));
}

void append(std::vector<std::string>& out, std::initializer_list<std::string> items) {
  out.insert(out.end(), items);
}

}  // namespace

std::vector<std::string> bwrap_argv(const bwrap_invocation& how, std::vector<std::string> argv) {
  std::vector<std::string> out{how.bwrap};
  append(out, {"--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"});
  for (const auto& dir : how.writable) {
    if (!is_within(dir, how.base)) append(out, {"--bind", dir, dir});
  }
  append(out, {"--tmpfs", how.base});
  for (const auto& dir : how.writable) {
    if (is_within(dir, how.base)) append(out, {"--bind", dir, dir});
  }
  append(out, {"--unshare-pid", "--unshare-ipc", "--unshare-uts"});
  if (!how.allow_internet) out.emplace_back("--unshare-net");
  append(out, {"--die-with-parent", "--new-session", "--cap-drop", "ALL", "--chdir", how.cwd, "--"});
  if (how.memory_bytes || how.cpu_seconds) {
    out.push_back(how.prlimit);
    if (how.memory_bytes) out.push_back("--as=" + std::to_string(*how.memory_bytes));
    if (how.cpu_seconds) out.push_back("--cpu=" + std::to_string(*how.cpu_seconds));
    out.emplace_back("--");
  }
  out.insert(out.end(), std::make_move_iterator(argv.begin()), std::make_move_iterator(argv.end()));
  return out;
}

}  // namespace sbx::drivers::bwrap
