#include "drivers/docker/tree_kill.hpp"

#include "drivers/docker/execs.hpp"
#include "drivers/docker/requests.hpp"
#include "drivers/docker/sleep.hpp"
#include "log.hpp"
#include "process/concurrently.hpp"

namespace sbx::drivers::docker {
namespace {

awaitable<void> run_kill(const engine& daemon, const std::string& container, const std::string& token) {
  const std::string op = "exec_kill";
  const std::vector<std::string> argv{"/bin/sh", "-c", kill_tree_script(), "sbx-kill", token};
  const auto id = co_await create_exec(daemon, container, exec_create_body(argv, {}, "", false), op);
  auto stream = co_await start_exec(daemon, id, op);
  std::string sink(4096, '\0');
  while (co_await stream.read_some(boost::asio::buffer(sink)) > 0) {
  }
}

}  // namespace

const std::string& kill_tree_script() {
  static const std::string script = R"sh(m="SBX_EXEC_ID=$1"
self=$$
round=0
while [ "$round" -lt 50 ]; do
  found=
  for f in $(grep -lF -e "$m" /proc/[0-9]*/environ 2>/dev/null); do
    p=${f#/proc/}
    p=${p%/environ}
    if read -r s < "/proc/$p/stat"; then
      set -- ${s##*)}
      if [ "$3" -gt 1 ] && [ "$3" != "$self" ]; then kill -9 "-$3"; fi
    fi 2>/dev/null
    kill -9 "$p" 2>/dev/null
    found=1
  done
  [ -n "$found" ] || exit 0
  round=$((round + 1))
done
exit 1
)sh";
  return script;
}

awaitable<void> kill_exec_tree(const engine& daemon, const std::string& container, const std::string& token) {
  try {
    if (co_await process::first_of(run_kill(daemon, container, token), sleep_for(std::chrono::seconds(5))) == 1)
      detail::log(log_level::warning, "docker: killing an exec's processes took over 5 s");
  } catch (const std::exception& e) {
    detail::log(log_level::debug, std::string("docker: killing an exec's processes failed: ") + e.what());
  }
}

}  // namespace sbx::drivers::docker
