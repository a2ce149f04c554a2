#include "drivers/e2b/control_api.hpp"

#include "drivers/e2b/e2b_errors.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace sbx::drivers::e2b {
namespace {

namespace json = boost::json;

http::client_options options_of(const e2b_settings& settings) {
  http::client_options o;
  o.backend = "e2b";
  o.retry = settings.retry;
  o.request_timeout = settings.request_timeout;
  o.user_agent = "sbx-e2b/0.1";
  return o;
}

json::value parse_json(const std::string& body, const char* op) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec) throw SandboxExecutionError("E2B answered " + std::string(op) + " with malformed JSON", {.backend = "e2b", .op = op});
  return value;
}

template <class Error = SandboxExecutionError>
sandbox_record to_record(const json::value& value, const char* op) {
  try {
    return parse_sandbox(value);
  } catch (const std::invalid_argument& e) {
    throw Error(std::string("E2B answered ") + op + " with an unexpected sandbox: " + e.what(), {.backend = "e2b", .op = op});
  }
}

// The error throw_api_error would throw for `response`, as a value.
std::exception_ptr api_error(const http::response& response, const char* op, const std::vector<std::string>& secrets) {
  try {
    throw_api_error(response.status, response.body, op, {}, secrets);
  } catch (...) {
    return std::current_exception();
  }
}

}  // namespace

control_api::control_api(std::shared_ptr<http::connection_pool> pool, const e2b_settings& settings)
    : client_(std::move(pool), settings.api_url, options_of(settings)),
      api_key_(settings.api_key),
      secrets_{settings.api_key} {}

http::request control_api::make_request(http::verb method, std::string target, const char* op) const {
  http::request r{.method = method, .target = std::move(target), .op = op};
  r.headers.set_sensitive("X-API-Key", api_key_);
  if (method == http::verb::post) r.headers.set("Content-Type", "application/json");
  return r;
}

awaitable<create_attempt> control_api::create(json::object body, std::chrono::milliseconds timeout) const {
  auto request = make_request(http::verb::post, "/sandboxes", "create");
  request.body = json::serialize(body);
  request.timeout = timeout;
  std::string ambiguity;
  std::optional<http::response> response;
  try {
    response = co_await client_.send(std::move(request));
  } catch (const SandboxConnectionError& e) {
    const auto written = e.context().find("request_written");
    if (written == e.context().end() || written->second != "true") throw;
    ambiguity = "the connection failed after the request was sent";
  } catch (const SandboxTimeoutError&) {
    ambiguity = "no answer within the request timeout";
  }
  if (!response) co_return create_attempt{.ambiguity = ambiguity};
  if (response->status == 201 || response->status == 200)
    co_return create_attempt{.created = to_record<SandboxCreationError>(parse_json(response->body, "create"), "create")};
  if (response->status == 503) co_return create_attempt{.refusal = api_error(*response, "create", secrets_)};
  if (response->status >= 500)
    co_return create_attempt{.ambiguity = "E2B answered HTTP " + std::to_string(response->status)};
  throw_api_error(response->status, response->body, "create", {}, secrets_);
}

awaitable<sandbox_record> control_api::get(const std::string& sandbox_id, const char* op) const {
  auto response = co_await client_.send(make_request(http::verb::get, "/sandboxes/" + query_encode(sandbox_id), op));
  if (response.status != 200) throw_api_error(response.status, response.body, op, context_of("sandbox_id", sandbox_id), secrets_);
  co_return to_record(parse_json(response.body, op), op);
}

awaitable<bool> control_api::kill(const std::string& sandbox_id, const char* op) const {
  auto response = co_await client_.send(make_request(http::verb::delete_, "/sandboxes/" + query_encode(sandbox_id), op));
  if (response.status == 404) co_return false;
  if (response.status >= 300) throw_api_error(response.status, response.body, op, context_of("sandbox_id", sandbox_id), secrets_);
  co_return true;
}

awaitable<std::vector<sandbox_record>> control_api::list(const env_map& filter, const char* op) const {
  std::vector<sandbox_record> out;
  std::string next_token;
  do {
    auto response = co_await client_.send(make_request(http::verb::get, "/v2/sandboxes?" + list_query(filter, 100, next_token), op));
    if (response.status != 200) throw_api_error(response.status, response.body, op, {}, secrets_);
    std::vector<sandbox_record> page;
    try {
      page = parse_sandbox_list(parse_json(response.body, op));
    } catch (const std::invalid_argument& e) {
      throw SandboxExecutionError(std::string("E2B answered ") + op + " with an unexpected list: " + e.what(),
                                  {.backend = "e2b", .op = op});
    }
    for (auto& record : page) out.push_back(std::move(record));
    const auto token = response.headers.get("X-Next-Token");
    next_token = token && !page.empty() ? std::string(*token) : std::string();
  } while (!next_token.empty());
  co_return out;
}

}  // namespace sbx::drivers::e2b
