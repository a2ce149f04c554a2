#include "fakes/daytona/daytona_fake.hpp"

#include "owner_labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sbx_fake::daytona {
namespace {

namespace json = boost::json;

// Daytona's throttler bucket of a request.
std::string bucket_of(const exchange& ex) {
  if (ex.path() == "/api/sandbox" && ex.method() == http::verb::post) return "sandbox-create";
  if (ex.path().starts_with("/api/sandbox/") &&
      (ex.method() == http::verb::delete_ || ex.path().ends_with("/start") || ex.path().ends_with("/stop")))
    return "sandbox-lifecycle";
  return "authenticated";
}

const char* reason_of(unsigned status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

const char* code_of(unsigned status) {
  switch (status) {
    case 400: return "BAD_REQUEST";
    case 401: return "UNAUTHORIZED";
    case 403: return "FORBIDDEN";
    case 404: return "NOT_FOUND";
    case 408: return "REQUEST_TIMEOUT";
    case 409: return "CONFLICT";
    default: return status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
  }
}

std::string now_utc() { return sbx::detail::format_utc(std::chrono::system_clock::now()); }

}  // namespace

std::string toolbox_route(std::string_view endpoint) { return "/toolbox/{sandbox}" + std::string(endpoint); }

http_error api_error(const exchange& ex, unsigned status, std::string message) {
  return http_error(status, json::serialize(json::object{{"path", ex.path()},
                                                         {"timestamp", now_utc()},
                                                         {"statusCode", status},
                                                         {"error", reason_of(status)},
                                                         {"message", std::move(message)}}));
}

http_error toolbox_error(const exchange& ex, unsigned status, std::string message) {
  return http_error(status, json::serialize(json::object{{"statusCode", status},
                                                         {"message", std::move(message)},
                                                         {"code", code_of(status)},
                                                         {"timestamp", now_utc()},
                                                         {"path", ex.path()},
                                                         {"method", std::string(http::to_string(ex.method()))}}));
}

void authenticate(const daytona_state& state, const exchange& ex, bool toolbox) {
  const auto header = ex.header("Authorization");
  const std::string_view scheme = "Bearer ";
  const auto token = header.starts_with(scheme) ? header.substr(scheme.size()) : std::string_view();
  if (token.empty() || (!state.options.api_key.empty() && token != state.options.api_key)) {
    const std::string message = "Invalid credentials";
    throw toolbox ? toolbox_error(ex, 401, message) : api_error(ex, 401, message);
  }
}

std::shared_ptr<fake_sandbox> toolbox_sandbox(daytona_state& state, const exchange& ex) {
  authenticate(state, ex, true);
  auto sandbox = state.registry.find(ex.param("sandbox"));
  if (!sandbox) throw toolbox_error(ex, 404, "sandbox not found");
  const auto* auto_stop = sandbox->settings().attributes.if_contains("autoStopInterval");
  if (auto_stop && auto_stop->is_int64() && auto_stop->as_int64() > 0)
    state.registry.set_lifetime(*sandbox, std::chrono::minutes(auto_stop->as_int64()));
  return sandbox;
}

json::object json_body(exchange& ex, bool toolbox) {
  boost::system::error_code ec;
  auto value = json::parse(ex.body(), ec);
  if (ec || !value.is_object()) {
    const std::string message = "the request body must be a JSON object";
    throw toolbox ? toolbox_error(ex, 400, message) : api_error(ex, 400, message);
  }
  return std::move(value.as_object());
}

fake_definition daytona_definition() {
  fake_definition definition{.name = "daytona",
                             .layout = {.home = "/home/daytona", .private_dirs = {"/home/daytona", "/tmp"}}};
  definition.options.add_options()
      ("api-key", boost::program_options::value<std::string>()->default_value(""),
       "the only Bearer token accepted (default: any non-empty token)")
      ("start-delay-ms", boost::program_options::value<unsigned>()->default_value(0),
       "how long a new sandbox reports state 'creating' before 'started'");
  definition.install = [](fake_context& fake) {
    auto state = std::make_shared<daytona_state>(daytona_state{
        .registry = fake.registry,
        .options = {.api_key = fake.options["api-key"].as<std::string>(),
                    .start_delay = std::chrono::milliseconds(fake.options["start-delay-ms"].as<unsigned>())},
        .toolbox_url = fake.server.url() + "/toolbox",
    });
    fake.server.set_rate_limit_marker([](exchange& ex, const std::string& retry_after) {
      const auto bucket = bucket_of(ex);
      ex.add_response_header("X-RateLimit-Limit-" + bucket, "300");
      ex.add_response_header("X-RateLimit-Remaining-" + bucket, "0");
      if (retry_after.empty()) return;
      ex.add_response_header("X-RateLimit-Reset-" + bucket, retry_after);
      ex.add_response_header("Retry-After-" + bucket, retry_after);
    });
    add_api(fake.server.routes(), state);
    add_toolbox_process(fake.server.routes(), state);
    add_toolbox_files(fake.server.routes(), state);
  };
  return definition;
}

}  // namespace sbx_fake::daytona
