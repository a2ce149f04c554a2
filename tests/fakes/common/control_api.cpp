#include "fakes/common/control_api.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sbx_fake {

boost::json::object stats_json(const fake_server& server, const sandbox_registry& registry) {
  return {
      {"live_sandboxes", registry.live()},
      {"created", registry.created()},
      {"removed", registry.removed()},
      {"requests", server.requests()},
      {"faults", server.faults().counters_json()},
  };
}

namespace {

http_error bad_request(std::string_view message) {
  return http_error(400, boost::json::serialize(boost::json::object{{"message", message}}));
}

}  // namespace

void add_control_routes(fake_server& server, sandbox_registry& registry) {
  auto& routes = server.routes();
  routes.add(http::verb::get, "/_fake/stats", [&server, &registry](exchange& ex) -> awaitable<void> {
    co_await ex.respond_json(200, stats_json(server, registry));
  });
  routes.add(http::verb::get, "/_fake/faults", [&server](exchange& ex) -> awaitable<void> {
    co_await ex.respond_json(200, server.faults().config().to_json());
  });
  routes.add(http::verb::post, "/_fake/faults", [&server](exchange& ex) -> awaitable<void> {
    boost::system::error_code ec;
    const auto body = boost::json::parse(ex.body(), ec);
    if (ec || !body.is_object()) throw http_error(400, R"({"message":"the body must be a JSON object"})");
    try {
      server.faults().configure(fault_config::from_json(body.as_object()));
    } catch (const std::invalid_argument& e) {
      throw bad_request(e.what());
    }
    co_await ex.respond_json(200, server.faults().config().to_json());
  });
  routes.add(http::verb::delete_, "/_fake/sandboxes", [&registry](exchange& ex) -> awaitable<void> {
    for (const auto& sandbox : registry.list()) registry.remove(sandbox->id());
    co_await ex.respond(204);
  });
}

}  // namespace sbx_fake
