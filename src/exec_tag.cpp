#include "exec_tag.hpp"

namespace sbx::detail {
namespace {

constexpr const char* kill_script =
    "tag=\"SBX_EXEC_TAG=$1\"\n"
    "for round in 1 2 3 4 5; do\n"
    "  pids=$(grep -lzxF -- \"$tag\" /proc/[0-9]*/environ 2>/dev/null | sed -e 's|^/proc/||' -e 's|/environ$||')\n"
    "  [ -n \"$pids\" ] || exit 0\n"
    "  kill -KILL $pids 2>/dev/null\n"
    "done\n";

}  // namespace

std::vector<std::string> kill_tagged_command(const std::string& tag) {
  return {"/bin/sh", "-c", kill_script, "sbx-kill", tag};
}

}  // namespace sbx::detail
