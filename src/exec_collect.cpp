#include "exec_collect.hpp"

#include <algorithm>
#include <chrono>

namespace sbx::detail {

awaitable<ExecResult> exec_collect(SandboxSession& session, ExecRequest request, std::size_t max_output_bytes) {
  ExecResult result;
  request.on_output = [&result, max_output_bytes](output_stream which, std::string_view chunk) {
    auto& collected = which == output_stream::std_out ? result.std_out : result.std_err;
    const auto room = max_output_bytes - std::min(max_output_bytes, collected.size());
    if (chunk.size() > room) result.output_truncated = true;
    collected.append(chunk.substr(0, room));
  };
  const auto started = std::chrono::steady_clock::now();
  const auto status = co_await session.exec(std::move(request));
  result.exit_code = status.exit_code;
  result.timed_out = status.timed_out;
  result.duration = std::chrono::steady_clock::now() - started;
  co_return result;
}

awaitable<ExecResult> exec_collect(SandboxSession& session, std::vector<std::string> argv) {
  ExecRequest request;
  request.argv = std::move(argv);
  request.cwd = session.workdir();
  co_return co_await exec_collect(session, std::move(request));
}

awaitable<ExecResult> exec_script(SandboxSession& session, std::string script,
                                  std::vector<std::string> args) {
  std::vector<std::string> argv{"/bin/sh", "-c", std::move(script), "sbx"};
  for (auto& a : args) argv.push_back(std::move(a));
  co_return co_await exec_collect(session, std::move(argv));
}

}  // namespace sbx::detail
