#include "drivers/tensorlake/lifecycle_api.hpp"

#include "drivers/tensorlake/tensorlake_errors.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace sbx::drivers::tensorlake {
namespace {

namespace json = boost::json;

std::optional<json::value> parse_json(const std::string& body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec) return std::nullopt;
  return value;
}

[[noreturn]] void malformed(const char* op, const std::string& what) {
  throw SandboxExecutionError("Tensorlake answered " + std::string(op) + " unexpectedly: " + what,
                              {.backend = "tensorlake", .op = op});
}

}  // namespace

void add_auth_headers(http::request& request, const tensorlake_settings& settings) {
  request.headers.set_sensitive("Authorization", "Bearer " + settings.token);
  if (!settings.personal_token) return;
  if (settings.organization_id) request.headers.set("X-Forwarded-Organization-Id", *settings.organization_id);
  if (settings.project_id) request.headers.set("X-Forwarded-Project-Id", *settings.project_id);
}

http::client_options client_options_of(const tensorlake_settings& settings) {
  http::client_options o;
  o.backend = "tensorlake";
  o.retry = settings.knobs.retry;
  o.request_timeout = settings.knobs.request_timeout;
  o.user_agent = "sbx-tensorlake/0.1";
  return o;
}

lifecycle_api::lifecycle_api(std::shared_ptr<http::connection_pool> pool, const tensorlake_settings& settings)
    : client_(std::move(pool), settings.lifecycle_url, client_options_of(settings)),
      settings_(settings),
      secrets_{settings.token} {}

http::request lifecycle_api::make_request(http::verb method, std::string target, const char* op) const {
  http::request r{.method = method, .target = std::move(target), .op = op};
  add_auth_headers(r, settings_);
  if (method == http::verb::post) r.headers.set("Content-Type", "application/json");
  return r;
}

awaitable<json::value> lifecycle_api::call(http::request request, error_context context) const {
  const std::string op = request.op.value_or("");
  const auto response = co_await client_.send(std::move(request));
  if (response.status >= 300) throw_api_error(response.status, response.body, op.c_str(), std::move(context), secrets_);
  if (response.body.empty()) co_return json::value();
  auto value = parse_json(response.body);
  if (!value) malformed(op.c_str(), "malformed JSON");
  co_return std::move(*value);
}

awaitable<create_attempt> lifecycle_api::create(json::object body, std::chrono::milliseconds timeout) const {
  auto request = make_request(http::verb::post, "/sandboxes", "create");
  request.body = json::serialize(body);
  request.timeout = timeout;
  request.headers.set("X-Tensorlake-Request-Timeout-Ms", std::to_string(timeout.count()));
  std::optional<http::response> response;
  std::string ambiguity;
  try {
    response = co_await client_.send(std::move(request));
  } catch (const SandboxConnectionError& e) {
    const auto written = e.context().find("request_written");
    if (written == e.context().end() || written->second != "true") throw;
    ambiguity = "the connection failed after the request was sent";
  } catch (const SandboxTimeoutError&) {
    ambiguity = "no answer within the create timeout";
  }
  if (!response) co_return create_attempt{.ambiguity = ambiguity};
  if (response->status < 300 || response->status == 504) {
    if (const auto value = parse_json(response->body)) {
      try {
        co_return create_attempt{.created = parse_sandbox(*value)};
      } catch (const std::invalid_argument& e) {
        if (response->status < 300) malformed("create", e.what());
      }
    } else if (response->status < 300) {
      malformed("create", "malformed JSON");
    }
  }
  if (response->status == 409) co_return create_attempt{.ambiguity = "the sandbox name is already taken"};
  if (response->status >= 500) co_return create_attempt{.ambiguity = "Tensorlake answered HTTP " + std::to_string(response->status)};
  throw_api_error(response->status, response->body, "create", {}, secrets_);
}

awaitable<sandbox_record> lifecycle_api::get(const std::string& id_or_name, const char* op) const {
  const auto value = co_await call(make_request(http::verb::get, "/sandboxes/" + url_encode(id_or_name), op),
                                   context_of("sandbox", id_or_name));
  try {
    co_return parse_sandbox(value);
  } catch (const std::invalid_argument& e) {
    malformed(op, e.what());
  }
}

awaitable<std::optional<sandbox_record>> lifecycle_api::find(const std::string& id_or_name, const char* op) const {
  try {
    co_return co_await get(id_or_name, op);
  } catch (const SandboxNotFoundError&) {
  }
  co_return std::nullopt;
}

awaitable<bool> lifecycle_api::remove(const std::string& sandbox_id, const char* op) const {
  const auto response =
      co_await client_.send(make_request(http::verb::delete_, "/sandboxes/" + url_encode(sandbox_id), op));
  if (response.status == 404) co_return false;
  if (response.status >= 300)
    throw_api_error(response.status, response.body, op, context_of("sandbox_id", sandbox_id), secrets_);
  co_return true;
}

awaitable<std::vector<sandbox_record>> lifecycle_api::list(const char* op) const {
  const auto value = co_await call(make_request(http::verb::get, "/sandboxes", op), {});
  try {
    co_return parse_sandbox_list(value);
  } catch (const std::invalid_argument& e) {
    malformed(op, e.what());
  }
}

awaitable<std::string> lifecycle_api::snapshot(const std::string& sandbox_id, const std::string& type) const {
  auto request = make_request(http::verb::post, "/sandboxes/" + url_encode(sandbox_id) + "/snapshot", "snapshot");
  request.body = json::serialize(json::object{{"snapshot_type", type}});
  const auto value = co_await call(std::move(request), context_of("sandbox_id", sandbox_id));
  try {
    co_return parse_snapshot(value).snapshot_id;
  } catch (const std::invalid_argument& e) {
    malformed("snapshot", e.what());
  }
}

awaitable<snapshot_record> lifecycle_api::get_snapshot(const std::string& snapshot_id) const {
  const auto value = co_await call(make_request(http::verb::get, "/snapshots/" + url_encode(snapshot_id), "snapshot"),
                                   context_of("snapshot_id", snapshot_id));
  try {
    co_return parse_snapshot(value);
  } catch (const std::invalid_argument& e) {
    malformed("snapshot", e.what());
  }
}

}  // namespace sbx::drivers::tensorlake
