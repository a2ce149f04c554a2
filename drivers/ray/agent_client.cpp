#include "drivers/ray/agent_client.hpp"

#include "drivers/ray/agent_protocol.hpp"
#include "drivers/ray/ray_errors.hpp"
#include "owner_labels.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/system_error.hpp>

#include <exception>

namespace sbx::drivers::ray {
namespace {

using namespace std::chrono_literals;
constexpr auto file_timeout = std::chrono::minutes(10);  // 100 MiB over a slow link

bool ok(unsigned status) { return status >= 200 && status < 300; }

http::request agent_request(http::verb method, std::string target, const char* op) {
  return {.method = method, .target = std::move(target), .op = op};
}

http::request file_request(http::verb method, const std::string& path, const char* op) {
  return {.method = method, .target = agent_target("/file", path), .timeout = file_timeout, .op = op};
}

error_context path_context(const std::string& path) { return {{"path", path}}; }

}  // namespace

agent_client::agent_client(std::shared_ptr<http::connection_pool> pool, const agent_address& address,
                           std::string token)
    : client_(std::move(pool), address.url(), http::client_options{.backend = backend_name}),
      token_(std::move(token)) {}

awaitable<http::response> agent_client::send(http::request request) const {
  request.headers.set_sensitive("Authorization", "Bearer " + token_);
  co_return co_await client_.send(std::move(request));
}

awaitable<void> agent_client::health() const {
  const auto response = co_await send(agent_request(http::verb::get, "/health", "resume"));
  if (!ok(response.status)) throw_agent_error(response.status, response.body, "resume", {});
}

awaitable<void> agent_client::set_env(const env_map& env) const {
  boost::json::object overlay;
  for (const auto& [name, value] : env) overlay[name] = value;
  auto request = agent_request(http::verb::put, "/env", "create");
  request.body = boost::json::serialize(overlay);
  const auto response = co_await send(std::move(request));
  if (!ok(response.status)) throw_agent_error(response.status, response.body, "create", {});
}

awaitable<ExecStatus> agent_client::exec(ExecRequest request) const {
  const auto exec_id = detail::random_hex(16);
  auto post = agent_request(http::verb::post, "/exec", "exec");
  post.body = encode_exec_body(exec_id, request);
  post.headers.set_sensitive("Authorization", "Bearer " + token_);
  std::exception_ptr failure;
  try {
    auto stream = co_await client_.open_stream(std::move(post));
    if (!ok(stream.status())) throw_agent_error(stream.status(), co_await stream.read_all(), "exec", {});
    frame_decoder decoder;
    while (const auto chunk = co_await stream.next_chunk()) decoder.feed(*chunk, request.on_output);
    if (!decoder.exit())
      throw SandboxExecutionError("the Ray sandbox agent ended the exec stream without an exit status",
                                  ray_error("exec"));
    co_return *decoder.exit();
  } catch (const boost::system::system_error& e) {
    if (e.code() != boost::asio::error::operation_aborted) throw;
    failure = std::current_exception();
  }
  // Cancelled: the command must not outlive the call.
  co_await boost::asio::this_coro::reset_cancellation_state();
  try {
    co_await kill(exec_id);
  } catch (const SandboxError&) {
    // The agent is unreachable: it then notices the closed connection itself.
  }
  std::rethrow_exception(failure);
}

awaitable<void> agent_client::kill(const std::string& exec_id) const {
  auto request = agent_request(http::verb::post, agent_target("/kill", exec_id, "id"), "exec");
  request.idempotent = true;  // killing twice kills once
  request.timeout = 5s;
  co_await send(std::move(request));
}

awaitable<std::vector<FileInfo>> agent_client::list(const std::string& path) const {
  const auto response = co_await send(agent_request(http::verb::get, agent_target("/list", path), "list_files"));
  if (!ok(response.status)) throw_agent_error(response.status, response.body, "list_files", path_context(path));
  co_return parse_file_list(response.body, path);
}

awaitable<std::string> agent_client::read(const std::string& path) const {
  auto response = co_await send(file_request(http::verb::get, path, "read_file"));
  if (!ok(response.status)) throw_agent_error(response.status, response.body, "read_file", path_context(path));
  co_return std::move(response.body);
}

awaitable<void> agent_client::write(const std::string& path, std::string content) const {
  auto request = file_request(http::verb::put, path, "write_file");
  request.body = std::move(content);
  const auto response = co_await send(std::move(request));
  if (!ok(response.status)) throw_agent_error(response.status, response.body, "write_file", path_context(path));
}

}  // namespace sbx::drivers::ray
