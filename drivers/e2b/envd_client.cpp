#include "drivers/e2b/envd_client.hpp"

#include "codecs/connect_envelope.hpp"
#include "drivers/e2b/e2b_errors.hpp"
#include "drivers/e2b/wire.hpp"
#include "owner_labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

// The user envd must be told about: the configured one, or "user" for envd versions
// that have no default user.
std::optional<std::string> effective_user(const envd_target& target) {
  if (target.user) return target.user;
  if (!version_at_least(target.envd_version, "0.4.0")) return "user";
  return std::nullopt;
}

}  // namespace

envd_client::envd_client(std::shared_ptr<http::connection_pool> pool, const e2b_settings& settings,
                         envd_target target)
    : client_(std::move(pool), target.base_url, options_of(settings)),
      target_(std::move(target)),
      secrets_{settings.api_key, target_.access_token.value_or("")} {}

http::request envd_client::make_request(std::string target, const char* op) const {
  http::request r{.method = http::verb::post, .target = std::move(target), .op = op};
  if (target_.access_token) r.headers.set_sensitive("X-Access-Token", *target_.access_token);
  r.headers.set("E2b-Sandbox-Id", target_.sandbox_id);
  r.headers.set("E2b-Sandbox-Port", "49983");
  if (const auto user = effective_user(target_))
    r.headers.set_sensitive("Authorization", "Basic " + connect::encode_base64(*user + ":"));
  return r;
}

awaitable<json::value> envd_client::call(std::string_view method, const json::object& body, bool idempotent,
                                         const char* op, error_context context) const {
  auto request = make_request("/" + std::string(method), op);
  request.headers.set("Content-Type", "application/json");
  request.headers.set("Connect-Protocol-Version", "1");
  request.body = json::serialize(body);
  request.idempotent = idempotent;
  const auto response = co_await client_.send(std::move(request));
  if (response.status != 200)
    throw_envd_error(connect::error_from_response(response.status, response.body), response.status, op,
                     std::move(context), secrets_);
  boost::system::error_code ec;
  auto value = json::parse(response.body, ec);
  if (ec) throw SandboxExecutionError(std::string(op) + ": envd answered with malformed JSON", {.backend = "e2b", .op = op});
  co_return value;
}

awaitable<http::streamed_response> envd_client::start(const json::object& start_request,
                                                      std::optional<std::chrono::milliseconds> deadline,
                                                      const char* op) const {
  auto request = make_request("/process.Process/Start", op);
  request.headers.set("Content-Type", "application/connect+json");
  request.headers.set("Connect-Protocol-Version", "1");
  request.headers.set("Keepalive-Ping-Interval", "50");
  if (deadline) request.headers.set("Connect-Timeout-Ms", std::to_string(std::max<long long>(1, deadline->count())));
  request.body = connect::make_envelope(json::serialize(start_request));
  auto stream = co_await client_.open_stream(std::move(request));
  if (stream.status() != 200) {
    const auto body = co_await stream.read_all();
    throw_envd_error(connect::error_from_response(stream.status(), body), stream.status(), op, {}, secrets_);
  }
  co_return stream;
}

std::string envd_client::files_target(const std::string& path) const {
  std::string target = "/files?path=" + query_encode(path);
  if (const auto user = effective_user(target_)) target += "&username=" + query_encode(*user);
  return target;
}

awaitable<std::string> envd_client::read_file(const std::string& path) const {
  auto request = make_request(files_target(path), "read_file");
  request.method = http::verb::get;
  auto response = co_await client_.send(std::move(request));
  if (response.status != 200)
    throw_envd_error(connect::error_from_response(response.status, response.body), response.status, "read_file",
                     context_of("path", path), secrets_);
  co_return std::move(response.body);
}

awaitable<void> envd_client::write_file(const std::string& path, std::string content) const {
  auto request = make_request(files_target(path), "write_file");
  request.idempotent = true;  // writing the same bytes twice leaves the same file
  if (version_at_least(target_.envd_version, "0.5.7")) {
    request.headers.set("Content-Type", "application/octet-stream");
    request.body = std::move(content);
  } else {
    const std::string boundary = "sbx-" + detail::random_hex(24);
    request.headers.set("Content-Type", "multipart/form-data; boundary=" + boundary);
    request.body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                   query_encode(path) + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    request.body += content;
    request.body += "\r\n--" + boundary + "--\r\n";
  }
  const auto response = co_await client_.send(std::move(request));
  if (response.status != 200)
    throw_envd_error(connect::error_from_response(response.status, response.body), response.status, "write_file",
                     context_of("path", path), secrets_);
}

}  // namespace sbx::drivers::e2b
