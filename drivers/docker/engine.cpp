#include "drivers/docker/engine.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace sbx::drivers::docker {
namespace {

http::client_options client_settings() {
  http::client_options options;
  options.backend = "docker";
  options.user_agent = "sbx-docker";
  options.connect_timeout = std::chrono::seconds(5);
  return options;
}

std::shared_ptr<http::connection_pool> make_pool(const http::admission_limits& limits) {
  // Every exec holds a hijacked connection and needs another for its create and
  // inspect calls: leave room for the pooled calls beside the execs in flight.
  const auto execs = limits.execs_in_flight == 0 ? std::size_t{64} : limits.execs_in_flight;
  const auto per_host = std::max<std::size_t>(64, 2 * execs + limits.creates_in_flight + limits.destroys_in_flight);
  return http::make_connection_pool({.max_per_host = per_host, .max_total = per_host});
}

template <class Request>
Request versioned(Request req, const api_version& version) {
  req.target = version.prefix() + req.target;
  return req;
}

}  // namespace

http::admission_limits default_limits() {
  return {.creates_in_flight = 16, .running_sandboxes = 0, .execs_in_flight = 128, .destroys_in_flight = 16};
}

engine::engine(engine_settings settings)
    : settings_(std::move(settings)),
      client_(make_pool(settings_.limits), settings_.url, client_settings()),
      admission_(settings_.limits) {}

awaitable<void> engine::negotiate() {
  auto ping = plain_request(http::verb::get, "/_ping", "start");
  ping.timeout = std::chrono::seconds(10);
  http::response answer;
  try {
    answer = co_await client_.send(std::move(ping));
  } catch (const SandboxConnectionError& e) {
    throw SandboxConnectionError("Cannot connect to the Docker daemon at " + client_.target().origin() +
                                     " (is it running? set DOCKER_HOST or driver option \"host\"): " + e.message(),
                                 {.backend = "docker", .op = "start"});
  }
  expect_status(answer.status, answer.body, {200}, "start", failure_kind::execution);
  facts_ = negotiate_version(answer.headers);
}

awaitable<http::response> engine::send(http::request req) const {
  co_return co_await client_.send(versioned(std::move(req), facts_.version));
}

awaitable<http::streamed_response> engine::open_stream(http::request req) const {
  co_return co_await client_.open_stream(versioned(std::move(req), facts_.version));
}

awaitable<http::hijacked_stream> engine::upgrade(http::request req) const {
  co_return co_await client_.upgrade(versioned(std::move(req), facts_.version));
}

http::request json_request(http::verb method, std::string target, const boost::json::object& body,
                           std::string op) {
  http::request req{.method = method, .target = std::move(target), .body = boost::json::serialize(body)};
  req.headers.set("Content-Type", "application/json");
  req.op = std::move(op);
  return req;
}

http::request plain_request(http::verb method, std::string target, std::string op) {
  return {.method = method, .target = std::move(target), .op = std::move(op)};
}

void expect_status(unsigned status, std::string_view body, std::initializer_list<unsigned> expected,
                   const std::string& op, failure_kind kind, error_context context) {
  if (std::find(expected.begin(), expected.end(), status) != expected.end()) return;
  throw_engine_error(status, body, op, kind, std::move(context));
}

}  // namespace sbx::drivers::docker
