#include "drivers/tensorlake/sandbox_api.hpp"

#include "drivers/tensorlake/lifecycle_api.hpp"
#include "drivers/tensorlake/tensorlake_errors.hpp"
#include "drivers/tensorlake/wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace sbx::drivers::tensorlake {
namespace {

namespace json = boost::json;

std::string files_target(std::string_view endpoint, const std::string& path) {
  return std::string(endpoint) + "?path=" + url_encode(path);
}

}  // namespace

sandbox_api::sandbox_api(std::shared_ptr<http::connection_pool> pool, const tensorlake_settings& settings,
                         sandbox_target target)
    : client_(std::move(pool), target.base_url, client_options_of(settings)),
      settings_(settings),
      target_(std::move(target)),
      secrets_{settings.token} {}

http::request sandbox_api::make_request(http::verb method, std::string target, const char* op) const {
  http::request r{.method = method, .target = std::move(target), .op = op};
  add_auth_headers(r, settings_);
  r.headers.set("X-Tensorlake-Sandbox-Id", target_.sandbox_id);
  if (target_.routing_hint) r.headers.set("X-Tensorlake-Route-Hint", *target_.routing_hint);
  return r;
}

awaitable<http::streamed_response> sandbox_api::run(const json::object& body, const char* op) const {
  auto request = make_request(http::verb::post, "/api/v1/processes/run", op);
  request.headers.set("Content-Type", "application/json");
  request.headers.set("Accept", "text/event-stream");
  request.body = json::serialize(body);
  request.idempotent = false;
  auto stream = co_await client_.open_stream(std::move(request));
  if (stream.status() != 200) {
    const auto text = co_await stream.read_all();
    throw_api_error(stream.status(), text, op, {}, secrets_);
  }
  co_return stream;
}

awaitable<bool> sandbox_api::kill_process(int pid) const {
  const auto response =
      co_await client_.send(make_request(http::verb::delete_, "/api/v1/processes/" + std::to_string(pid), "exec"));
  if (response.status == 404) co_return false;
  if (response.status >= 300) throw_api_error(response.status, response.body, "exec", {}, secrets_);
  co_return true;
}

awaitable<std::string> sandbox_api::read_file(const std::string& path) const {
  auto response = co_await client_.send(make_request(http::verb::get, files_target("/api/v1/files", path), "read_file"));
  if (response.status != 200)
    throw_api_error(response.status, response.body, "read_file", context_of("path", path), secrets_);
  co_return std::move(response.body);
}

awaitable<void> sandbox_api::write_file(const std::string& path, std::string content) const {
  auto request = make_request(http::verb::put, files_target("/api/v1/files", path), "write_file");
  request.headers.set("Content-Type", "application/octet-stream");
  request.body = std::move(content);
  const auto response = co_await client_.send(std::move(request));
  if (response.status >= 300)
    throw_api_error(response.status, response.body, "write_file", context_of("path", path), secrets_);
}

awaitable<bool> sandbox_api::delete_file(const std::string& path) const {
  const auto response =
      co_await client_.send(make_request(http::verb::delete_, files_target("/api/v1/files", path), "delete_file"));
  if (response.status == 404) co_return false;
  if (response.status >= 300)
    throw_api_error(response.status, response.body, "delete_file", context_of("path", path), secrets_);
  co_return true;
}

awaitable<std::vector<FileInfo>> sandbox_api::list_dir(const std::string& path) const {
  const auto response =
      co_await client_.send(make_request(http::verb::get, files_target("/api/v1/files/list", path), "list_files"));
  if (response.status != 200)
    throw_api_error(response.status, response.body, "list_files", context_of("path", path), secrets_);
  boost::system::error_code ec;
  const auto value = json::parse(response.body, ec);
  try {
    if (ec) throw std::invalid_argument("malformed JSON");
    co_return parse_listing(value, path);
  } catch (const std::invalid_argument& e) {
    throw SandboxExecutionError(std::string("Tensorlake answered list_files unexpectedly: ") + e.what(),
                                {.backend = "tensorlake", .op = "list_files"});
  }
}

}  // namespace sbx::drivers::tensorlake
