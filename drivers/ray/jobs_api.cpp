#include "drivers/ray/jobs_api.hpp"

#include "drivers/ray/ray_errors.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sbx::drivers::ray {
namespace {

constexpr std::size_t max_error_text = 300;

// Ray answers errors with text (often a traceback): its last non-empty line, shortened.
std::string error_text(std::string_view body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) body.remove_suffix(1);
  if (const auto newline = body.rfind('\n'); newline != std::string_view::npos) body.remove_prefix(newline + 1);
  return std::string(body.substr(0, max_error_text));
}

boost::json::value parse_body(const http::response& response) {
  boost::system::error_code ec;
  auto value = boost::json::parse(response.body, ec);
  if (ec) return nullptr;
  return value;
}

bool ok(const http::response& response) { return response.status >= 200 && response.status < 300; }

http::request api_request(http::verb method, std::string target, const char* op) {
  return {.method = method, .target = std::move(target), .op = op};
}

http::request submit_request(const boost::json::object& request) {
  http::request post{.method = http::verb::post, .target = "/api/jobs/", .body = boost::json::serialize(request),
                     .idempotent = true,  // the fixed submission_id makes a repeat harmless
                     .timeout = std::chrono::minutes(2), .op = "create"};
  post.headers.set("Content-Type", "application/json");
  return post;
}

http::request upload_request(const agent_package& package) {
  http::request upload{.method = http::verb::put, .target = "/api/packages/gcs/" + package.name, .body = package.zip,
                       .op = "start"};
  upload.headers.set("Content-Type", "application/zip");
  return upload;
}

[[noreturn]] void refused(const http::response& response, const std::string& id) {
  throw SandboxCreationError("Ray refused the sandbox job: " + error_text(response.body),
                             ray_error("create", {{"job_id", id}, {"status", std::to_string(response.status)}}));
}

}  // namespace

jobs_api::jobs_api(std::shared_ptr<http::connection_pool> pool, const std::string& address,
                   std::optional<std::string> auth_token)
    : address_(address),
      client_(std::move(pool), address, http::client_options{.backend = backend_name}),
      auth_token_(std::move(auth_token)) {}

awaitable<http::response> jobs_api::send(http::request request) const {
  if (auth_token_) request.headers.set_sensitive("Authorization", "Bearer " + *auth_token_);
  co_return co_await client_.send(std::move(request));
}

void jobs_api::fail(const http::response& response, const char* op, const std::string& id) const {
  error_context context{{"status", std::to_string(response.status)}};
  if (!id.empty()) context["job_id"] = id;
  throw SandboxExecutionError(std::string("Ray Jobs API ") + op + " failed: " + error_text(response.body),
                              ray_error(op, std::move(context)));
}

awaitable<void> jobs_api::check_version() const {
  const auto response = co_await send(api_request(http::verb::get, "/api/version", "start"));
  const auto value = parse_body(response);
  if (!ok(response) || !value.is_object() || !value.get_object().contains("ray_version"))
    throw SandboxConnectionError("no Ray Jobs API at " + address_ + " (GET /api/version answered HTTP " +
                                     std::to_string(response.status) + ")",
                                 ray_error("start"));
}

awaitable<void> jobs_api::ensure_package(const agent_package& package) const {
  const auto found = co_await send(api_request(http::verb::get, "/api/packages/gcs/" + package.name, "start"));
  if (ok(found)) co_return;
  if (found.status != 404) fail(found, "start", {});
  const auto stored = co_await send(upload_request(package));
  if (!ok(stored)) fail(stored, "start", {});
}

awaitable<void> jobs_api::submit(const boost::json::object& request) const {
  const std::string id(request.at("submission_id").as_string());
  const auto response = co_await send(submit_request(request));
  if (ok(response) || response.body.find("Please use a different submission_id") != std::string::npos) co_return;
  refused(response, id);
}

awaitable<std::optional<job_info>> jobs_api::job(const std::string& id) const {
  const auto response = co_await send(api_request(http::verb::get, "/api/jobs/" + id, "status"));
  if (response.status == 404) co_return std::nullopt;
  const auto value = parse_body(response);
  if (!ok(response) || !value.is_object()) fail(response, "status", id);
  co_return parse_job_info(value.get_object());
}

awaitable<std::string> jobs_api::logs(const std::string& id) const {
  const auto response = co_await send(api_request(http::verb::get, "/api/jobs/" + id + "/logs", "logs"));
  if (response.status == 404) co_return std::string();
  const auto value = parse_body(response);
  const auto* logs = value.is_object() ? value.get_object().if_contains("logs") : nullptr;
  if (!ok(response) || !logs || !logs->is_string()) fail(response, "logs", id);
  co_return std::string(logs->get_string());
}

awaitable<void> jobs_api::stop(const std::string& id) const {
  auto request = api_request(http::verb::post, "/api/jobs/" + id + "/stop", "destroy");
  request.idempotent = true;  // stopping twice stops once
  const auto response = co_await send(std::move(request));
  if (!ok(response) && response.status != 404) fail(response, "destroy", id);
}

awaitable<void> jobs_api::remove(const std::string& id) const {
  const auto response = co_await send(api_request(http::verb::delete_, "/api/jobs/" + id, "destroy"));
  if (!ok(response) && response.status != 404) fail(response, "destroy", id);
}

awaitable<std::vector<job_info>> jobs_api::list() const {
  const auto response = co_await send(api_request(http::verb::get, "/api/jobs/", "sweep"));
  const auto value = parse_body(response);
  if (!ok(response) || !value.is_array()) fail(response, "sweep", {});
  std::vector<job_info> jobs;
  for (const auto& item : value.get_array())
    if (item.is_object())
      if (auto info = parse_job_info(item.get_object())) jobs.push_back(std::move(*info));
  co_return jobs;
}

}  // namespace sbx::drivers::ray
