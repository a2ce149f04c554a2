#include "drivers/modal/modal_files.hpp"

#include "cloud_settings.hpp"
#include "drivers/modal/modal_exec.hpp"

#include <stdexcept>

namespace sbx::drivers::modal {
namespace {

namespace asio = boost::asio;

struct fs_result {
  std::string out;
  std::string err;
  int exit_code = 0;
};

asio::awaitable<fs_result> run_fs_tools(const router_client& router, const std::string& task_id,
                                        std::vector<std::string> argv, std::optional<std::string> input) {
  fs_result result;
  ExecRequest request{.argv = std::move(argv), .cwd = "/", .stdin_data = std::move(input)};
  request.on_output = [&result](output_stream stream, std::string_view chunk) {
    (stream == output_stream::std_out ? result.out : result.err).append(chunk);
  };
  const auto status = co_await run_exec(router, task_id, std::move(request));
  result.exit_code = status.exit_code;
  co_return result;
}

// Throws the sbx error for a failed helper run.
[[noreturn]] void fs_failed(const fs_result& result, const char* op, const std::string& path) {
  const auto error = parse_fs_error(result.err);
  error_info info{.backend = "modal", .op = op, .context = detail::context_of("path", path)};
  if (!error.kind.empty()) info.context["error_kind"] = error.kind;
  info.context["exit_code"] = std::to_string(result.exit_code);
  const std::string what = std::string(op) + " failed: " + (error.message.empty() ? "exit " + std::to_string(result.exit_code) : error.message);
  if (error.kind == "NotFound") throw SandboxNotFoundError(what, std::move(info));
  throw SandboxExecutionError(what, std::move(info));
}

}  // namespace

asio::awaitable<std::string> fs_read(const router_client& router, const std::string& task_id, std::string path) {
  auto result = co_await run_fs_tools(router, task_id, fs_tools_command("ReadFile", path), std::nullopt);
  if (result.exit_code != 0) fs_failed(result, "read_file", path);
  co_return std::move(result.out);
}

asio::awaitable<void> fs_write(const router_client& router, const std::string& task_id, std::string path,
                               std::string content) {
  const auto result = co_await run_fs_tools(router, task_id, fs_tools_command("WriteFile", path), std::move(content));
  if (result.exit_code != 0) fs_failed(result, "write_file", path);
}

asio::awaitable<std::vector<FileInfo>> fs_list(const router_client& router, const std::string& task_id,
                                               std::string path) {
  const auto result = co_await run_fs_tools(router, task_id, fs_tools_command("ListFiles", path), std::nullopt);
  if (result.exit_code != 0) fs_failed(result, "list_files", path);
  try {
    co_return parse_fs_entries(result.out);
  } catch (const std::invalid_argument& e) {
    throw SandboxExecutionError(std::string("list_files failed: ") + e.what(),
                                {.backend = "modal", .op = "list_files", .context = detail::context_of("path", path)});
  }
}

}  // namespace sbx::drivers::modal
