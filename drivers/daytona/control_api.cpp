#include "drivers/daytona/control_api.hpp"

#include "drivers/daytona/daytona_errors.hpp"

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
    throw SandboxExecutionError("Daytona answered " + std::string(op) + " with malformed JSON",
                                {.backend = "daytona", .op = op});
  return value;
}

template <class Error = SandboxExecutionError>
sandbox_record to_record(const json::value& value, const char* op) {
  try {
    return parse_sandbox(value);
  } catch (const std::invalid_argument& e) {
    throw Error(std::string("Daytona answered ") + op + " with an unexpected sandbox: " + e.what(),
                {.backend = "daytona", .op = op});
  }
}

std::exception_ptr api_error(const http::response& response, const char* op, const std::vector<std::string>& secrets) {
  try {
    throw_error(service::api, response.status, response.body, op, {}, secrets);
  } catch (...) {
    return std::current_exception();
  }
}

}  // namespace

http::client_options client_options_of(const daytona_settings& settings) {
  http::client_options o;
  o.backend = "daytona";
  o.retry = settings.knobs.retry;
  o.request_timeout = settings.knobs.request_timeout;
  o.user_agent = "sbx-daytona/0.1";
  return o;
}

control_api::control_api(std::shared_ptr<http::connection_pool> pool, const daytona_settings& settings)
    : client_(std::move(pool), settings.api_url, client_options_of(settings)),
      api_key_(settings.api_key),
      secrets_{settings.api_key} {}

http::request control_api::make_request(http::verb method, std::string target, const char* op) const {
  http::request r{.method = method, .target = std::move(target), .op = op};
  r.headers.set_sensitive("Authorization", "Bearer " + api_key_);
  r.headers.set("X-Daytona-Source", "sbx");
  if (method == http::verb::post) r.headers.set("Content-Type", "application/json");
  return r;
}

awaitable<detail::create_attempt<sandbox_record>> control_api::create(json::object body,
                                                                      std::chrono::milliseconds timeout) const {
  auto request = make_request(http::verb::post, "/sandbox", "create");
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
  if (!response) co_return detail::create_attempt<sandbox_record>{.ambiguity = ambiguity};
  if (response->status == 200 || response->status == 201)
    co_return detail::create_attempt<sandbox_record>{
        .created = to_record<SandboxCreationError>(parse_json(response->body, "create"), "create")};
  if (response->status == 503)
    co_return detail::create_attempt<sandbox_record>{.refusal = api_error(*response, "create", secrets_)};
  if (response->status >= 500)
    co_return detail::create_attempt<sandbox_record>{.ambiguity = "Daytona answered HTTP " +
                                                                  std::to_string(response->status)};
  throw_error(service::api, response->status, response->body, "create", {}, secrets_);
}

awaitable<sandbox_record> control_api::get(const std::string& sandbox_id, const char* op) const {
  auto response = co_await client_.send(make_request(http::verb::get, "/sandbox/" + query_encode(sandbox_id), op));
  if (response.status != 200)
    throw_error(service::api, response.status, response.body, op, context_of("sandbox_id", sandbox_id), secrets_);
  co_return to_record(parse_json(response.body, op), op);
}

awaitable<bool> control_api::remove(const std::string& sandbox_id, const char* op) const {
  auto response = co_await client_.send(make_request(http::verb::delete_, "/sandbox/" + query_encode(sandbox_id), op));
  if (response.status == 404) co_return false;
  if (response.status >= 300)
    throw_error(service::api, response.status, response.body, op, context_of("sandbox_id", sandbox_id), secrets_);
  co_return true;
}

awaitable<std::vector<sandbox_record>> control_api::list(const env_map& filter, const char* op) const {
  std::vector<sandbox_record> out;
  std::string cursor;
  do {
    auto response = co_await client_.send(make_request(http::verb::get, "/sandbox?" + list_query(filter, 100, cursor), op));
    if (response.status != 200) throw_error(service::api, response.status, response.body, op, {}, secrets_);
    sandbox_page page;
    try {
      page = parse_sandbox_page(parse_json(response.body, op));
    } catch (const std::invalid_argument& e) {
      throw SandboxExecutionError(std::string("Daytona answered ") + op + " with an unexpected list: " + e.what(),
                                  {.backend = "daytona", .op = op});
    }
    for (auto& record : page.items)
      if (classify_state(record.state) != state_kind::gone) out.push_back(std::move(record));
    cursor = page.items.empty() ? std::string() : page.next_cursor;
  } while (!cursor.empty());
  co_return out;
}

}  // namespace sbx::drivers::daytona
