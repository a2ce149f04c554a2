#include "drivers/daytona/toolbox_client.hpp"

#include "drivers/daytona/control_api.hpp"
#include "drivers/daytona/daytona_errors.hpp"
#include "drivers/daytona/wire.hpp"
#include "owner_labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace sbx::drivers::daytona {
namespace {

namespace json = boost::json;

json::value parse_json(const std::string& body, const char* op) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec)
    throw SandboxExecutionError("Daytona toolbox answered " + std::string(op) + " with malformed JSON",
                                {.backend = "daytona", .op = op});
  return value;
}

[[noreturn]] void unexpected(const char* op, const std::invalid_argument& e) {
  throw SandboxExecutionError("Daytona toolbox answered " + std::string(op) + " unexpectedly: " + e.what(),
                              {.backend = "daytona", .op = op});
}

json::object execute_body(const std::string& command, std::optional<std::chrono::milliseconds> timeout) {
  json::object body{{"command", command}};
  if (timeout) body["timeout"] = (timeout->count() + 999) / 1000;
  return body;
}

json::object session_body(const std::string& session_id) { return {{"sessionId", session_id}}; }

json::object start_body(const std::string& command) { return {{"command", command}, {"runAsync", true}, {"async", true}}; }

}  // namespace

toolbox_client::toolbox_client(std::shared_ptr<http::connection_pool> pool, const daytona_settings& settings,
                               const std::string& proxy_url, std::string sandbox_id)
    : client_(std::move(pool), proxy_url, client_options_of(settings)),
      prefix_("/" + query_encode(sandbox_id)),
      api_key_(settings.api_key),
      secrets_{settings.api_key} {}

http::request toolbox_client::make_request(http::verb method, std::string endpoint, const char* op) const {
  http::request r{.method = method, .target = prefix_ + endpoint, .op = op};
  r.headers.set_sensitive("Authorization", "Bearer " + api_key_);
  r.headers.set("X-Daytona-Source", "sbx");
  if (method == http::verb::post) r.headers.set("Content-Type", "application/json");
  return r;
}

void toolbox_client::fail(const http::response& response, const char* op, error_context context) const {
  throw_error(service::toolbox, response.status, response.body, op, std::move(context), secrets_);
}

awaitable<execute_result> toolbox_client::execute(const std::string& command,
                                                  std::optional<std::chrono::milliseconds> timeout,
                                                  const char* op) const {
  auto request = make_request(http::verb::post, "/process/execute", op);
  request.body = json::serialize(execute_body(command, timeout));
  if (timeout) request.timeout = *timeout + std::chrono::seconds(5);
  const auto response = co_await client_.send(std::move(request));
  if (response.status != 200) fail(response, op, {});
  const auto value = parse_json(response.body, op);
  const auto* o = value.if_object();
  if (!o) unexpected(op, std::invalid_argument("not a JSON object"));
  // Older daemons name the exit code "code".
  const auto* code = o->if_contains("exitCode");
  if (!code || code->is_null()) code = o->if_contains("code");
  const auto* result = o->if_contains("result");
  execute_result out;
  if (code && code->is_number()) out.exit_code = code->to_number<int>();
  if (result && result->is_string()) out.output = result->as_string();
  co_return out;
}

awaitable<void> toolbox_client::create_session(const std::string& session_id, const char* op) const {
  auto request = make_request(http::verb::post, "/process/session", op);
  request.body = json::serialize(session_body(session_id));
  const auto response = co_await client_.send(std::move(request));
  if (response.status != 200 && response.status != 201) fail(response, op, {});
}

awaitable<std::string> toolbox_client::start_command(const std::string& session_id, const std::string& command,
                                                     const char* op) const {
  auto request = make_request(http::verb::post, "/process/session/" + query_encode(session_id) + "/exec", op);
  request.body = json::serialize(start_body(command));
  const auto response = co_await client_.send(std::move(request));
  if (response.status != 200 && response.status != 202) fail(response, op, {});
  try {
    co_return parse_command_id(parse_json(response.body, op));
  } catch (const std::invalid_argument& e) {
    unexpected(op, e);
  }
}

awaitable<std::optional<int>> toolbox_client::command_exit(const std::string& session_id, const std::string& command_id,
                                                           const char* op) const {
  const auto response = co_await client_.send(make_request(
      http::verb::get, "/process/session/" + query_encode(session_id) + "/command/" + query_encode(command_id), op));
  if (response.status != 200) fail(response, op, {});
  try {
    co_return parse_command_exit(parse_json(response.body, op));
  } catch (const std::invalid_argument& e) {
    unexpected(op, e);
  }
}

awaitable<void> toolbox_client::delete_session(const std::string& session_id, const char* op) const {
  const auto response =
      co_await client_.send(make_request(http::verb::delete_, "/process/session/" + query_encode(session_id), op));
  if (response.status >= 300 && response.status != 404) fail(response, op, {});
}

awaitable<std::string> toolbox_client::download(const std::string& path, std::size_t offset, bool missing_ok,
                                                const char* op) const {
  auto request = make_request(http::verb::get, "/files/download?path=" + query_encode(path), op);
  if (offset > 0) request.headers.set("Range", "bytes=" + std::to_string(offset) + "-");
  auto response = co_await client_.send(std::move(request));
  if (response.status == 206) co_return std::move(response.body);
  if (response.status == 200) co_return offset >= response.body.size() ? std::string() : response.body.substr(offset);
  if (response.status == 416 || (response.status == 404 && missing_ok)) co_return std::string();
  fail(response, op, context_of("path", path));
}

awaitable<void> toolbox_client::upload(const std::string& path, std::string content, const char* op) const {
  auto request = make_request(http::verb::post, "/files/bulk-upload", op);
  const std::string boundary = "sbx-" + detail::random_hex(24);
  std::vector<form_field> fields;
  fields.push_back({.name = "files[0].path", .content = path});
  fields.push_back({.name = "files[0].file", .filename = path, .content = content});
  request.headers.set("Content-Type", "multipart/form-data; boundary=" + boundary);
  request.body = multipart_body(fields, boundary);
  request.idempotent = true;  // the same bytes at the same path
  const auto response = co_await client_.send(std::move(request));
  if (response.status != 200 && response.status != 201 && response.status != 204)
    fail(response, op, context_of("path", path));
}

awaitable<std::vector<FileInfo>> toolbox_client::list(const std::string& dir, const char* op) const {
  const auto response = co_await client_.send(make_request(http::verb::get, "/files?path=" + query_encode(dir), op));
  if (response.status != 200) fail(response, op, context_of("path", dir));
  try {
    co_return parse_file_list(parse_json(response.body, op), dir);
  } catch (const std::invalid_argument& e) {
    unexpected(op, e);
  }
}

awaitable<void> toolbox_client::remove(const std::string& path, bool recursive, const char* op) const {
  const auto response = co_await client_.send(make_request(
      http::verb::delete_, "/files?path=" + query_encode(path) + "&recursive=" + (recursive ? "true" : "false"), op));
  if (response.status >= 300 && response.status != 404) fail(response, op, context_of("path", path));
}

}  // namespace sbx::drivers::daytona
