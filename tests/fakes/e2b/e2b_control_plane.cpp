// The E2B control plane: sandboxes are created, inspected, listed (with metadata
// filters and pagination), given a new timeout and killed.
#include "fakes/e2b/e2b_fake.hpp"

#include "owner_labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <limits>

namespace sbx_fake::e2b {
namespace {

namespace json = boost::json;
using state_ptr = std::shared_ptr<e2b_state>;

http_error api_error(unsigned status, std::string message) {
  return http_error(status, json::serialize(json::object{{"code", status}, {"message", std::move(message)}}));
}

void authenticate(const e2b_state& state, const exchange& ex) {
  const auto key = ex.header("X-API-Key");
  if (key.empty() || (!state.options.api_key.empty() && key != state.options.api_key))
    throw api_error(401, "Invalid API key");
}

sbx::env_map string_map(const json::object& body, std::string_view key) {
  sbx::env_map out;
  const auto* value = body.if_contains(key);
  if (!value || value->is_null()) return out;
  if (!value->is_object()) throw api_error(400, std::string(key) + " must be an object of strings");
  for (const auto& [name, v] : value->as_object()) {
    if (!v.is_string()) throw api_error(400, std::string(key) + " must be an object of strings");
    out[name] = v.as_string();
  }
  return out;
}

json::object to_json(const sbx::env_map& map) {
  json::object out;
  for (const auto& [k, v] : map) out[k] = v;
  return out;
}

json::object parse_body(exchange& ex) {
  boost::system::error_code ec;
  auto value = json::parse(ex.body(), ec);
  if (ec || !value.is_object()) throw api_error(400, "the request body must be a JSON object");
  return std::move(value.as_object());
}

std::string attribute(const fake_sandbox& sandbox, std::string_view key) {
  const auto* value = sandbox.settings().attributes.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

// The `Sandbox` object of create and connect answers.
json::object sandbox_json(const e2b_state& state, const fake_sandbox& sandbox) {
  return {
      {"sandboxID", sandbox.id()},
      {"templateID", attribute(sandbox, "templateID")},
      {"clientID", "sbx-fake"},
      {"envdVersion", state.options.envd_version},
      {"envdAccessToken", attribute(sandbox, "envdAccessToken")},
      {"domain", nullptr},
  };
}

// The `ListedSandbox` object of list answers; `SandboxDetail` adds a few fields.
json::object listed_json(const e2b_state& state, const fake_sandbox& sandbox) {
  const auto end = sandbox.expires_at() == std::chrono::system_clock::time_point::max()
                       ? sandbox.created_at() + std::chrono::hours(24 * 365)
                       : sandbox.expires_at();
  return {
      {"sandboxID", sandbox.id()},
      {"templateID", attribute(sandbox, "templateID")},
      {"clientID", "sbx-fake"},
      {"startedAt", sbx::detail::format_utc(sandbox.created_at())},
      {"endAt", sbx::detail::format_utc(end)},
      {"state", "running"},
      {"cpuCount", 2},
      {"memoryMB", 512},
      {"diskSizeMB", 1024},
      {"envdVersion", state.options.envd_version},
      {"metadata", to_json(sandbox.settings().labels)},
  };
}

json::object detail_json(const e2b_state& state, const fake_sandbox& sandbox) {
  auto out = listed_json(state, sandbox);
  out["envdAccessToken"] = attribute(sandbox, "envdAccessToken");
  out["domain"] = nullptr;
  out["allowInternetAccess"] = sandbox.settings().network;
  return out;
}

// A new sandbox's provider facts: its template and envd access token.
json::object new_attributes(std::string_view template_id) {
  return {{"templateID", template_id}, {"envdAccessToken", sbx::detail::random_hex(32)}};
}

std::chrono::seconds timeout_of(const json::object& body, std::int64_t fallback) {
  const auto* value = body.if_contains("timeout");
  if (!value) return std::chrono::seconds(fallback);
  if (!value->is_int64() && !value->is_uint64()) throw api_error(400, "timeout must be an integer");
  const auto seconds = value->to_number<std::int64_t>();
  if (seconds < 0) throw api_error(400, "timeout must not be negative");
  return std::chrono::seconds(seconds);
}

awaitable<void> create(state_ptr state, exchange& ex) {
  authenticate(*state, ex);
  const auto body = parse_body(ex);
  const auto* template_id = body.if_contains("templateID");
  if (!template_id || !template_id->is_string() || template_id->as_string().empty())
    throw api_error(400, "templateID is required");
  sandbox_settings settings{
      .env = string_map(body, "envVars"),
      .labels = string_map(body, "metadata"),
      .lifetime = timeout_of(body, 15),
  };
  if (const auto* internet = body.if_contains("allow_internet_access"); internet && internet->is_bool())
    settings.network = internet->as_bool();
  settings.attributes = new_attributes(template_id->as_string());
  const auto sandbox = state->registry.create(std::move(settings));
  co_await ex.respond_json(201, sandbox_json(*state, *sandbox));
}

std::shared_ptr<fake_sandbox> existing(const e2b_state& state, const exchange& ex) {
  auto sandbox = state.registry.find(ex.param("id"));
  if (!sandbox) throw api_error(404, "sandbox \"" + ex.param("id") + "\" doesn't exist or you don't have access to it");
  return sandbox;
}

// The metadata filter "k1=v1&k2=v2" (each part URL-encoded) as a map.
sbx::env_map metadata_filter(const exchange& ex) {
  sbx::env_map out;
  const auto text = ex.query("metadata");
  if (!text || text->empty()) return out;
  const auto params = boost::urls::parse_query(*text);
  if (!params) throw api_error(400, "metadata must be URL-encoded key=value pairs");
  for (const auto& p : *params) out[p.key.decode()] = p.value.decode();
  return out;
}

bool matches(const fake_sandbox& sandbox, const sbx::env_map& filter) {
  for (const auto& [k, v] : filter) {
    const auto it = sandbox.settings().labels.find(k);
    if (it == sandbox.settings().labels.end() || it->second != v) return false;
  }
  return true;
}

bool wants_running(const exchange& ex) {
  const auto states = ex.query("state");
  return !states || states->empty() || states->find("running") != std::string::npos;
}

awaitable<void> list(state_ptr state, exchange& ex, bool paginated) {
  authenticate(*state, ex);
  const auto filter = metadata_filter(ex);
  std::size_t limit = paginated ? 100 : std::numeric_limits<std::size_t>::max();
  if (const auto text = ex.query("limit"); text && paginated) {
    try {
      limit = std::clamp<std::size_t>(std::stoul(*text), 1, 100);
    } catch (const std::exception&) {
      throw api_error(400, "limit must be a number");
    }
  }
  const std::string after = ex.query("nextToken").value_or("");
  json::array page;
  std::string last;
  bool more = false;
  if (wants_running(ex)) {
    for (const auto& sandbox : state->registry.list()) {  // ordered by id
      if (sandbox->id() <= after || !matches(*sandbox, filter)) continue;
      if (page.size() == limit) {
        more = true;
        break;
      }
      page.push_back(listed_json(*state, *sandbox));
      last = sandbox->id();
    }
  }
  if (more) ex.add_response_header("X-Next-Token", last);
  co_await ex.respond_json(200, page);
}

}  // namespace

void add_control_plane(router& routes, state_ptr state) {
  for (const char* prefix : {"/sandboxes", "/v2/sandboxes"}) {
    const std::string base = prefix;
    const bool v2 = base.starts_with("/v2");
    routes.add(http::verb::post, base, [state](exchange& ex) { return create(state, ex); });
    routes.add(http::verb::get, base, [state, v2](exchange& ex) { return list(state, ex, v2); });
    routes.add(http::verb::post, base + "/{id}/connect", [state](exchange& ex) -> awaitable<void> {
      authenticate(*state, ex);
      const auto sandbox = existing(*state, ex);
      const auto body = parse_body(ex);
      const auto extend = timeout_of(body, 0);
      const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(
          sandbox->expires_at() - std::chrono::system_clock::now());
      if (extend > remaining) state->registry.set_lifetime(*sandbox, extend);
      co_await ex.respond_json(200, sandbox_json(*state, *sandbox));
    });
  }
  routes.add(http::verb::get, "/sandboxes/{id}", [state](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex);
    co_await ex.respond_json(200, detail_json(*state, *existing(*state, ex)));
  });
  routes.add(http::verb::delete_, "/sandboxes/{id}", [state](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex);
    existing(*state, ex);
    state->registry.remove(ex.param("id"));
    co_await ex.respond(204);
  });
  routes.add(http::verb::post, "/sandboxes/{id}/timeout", [state](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex);
    const auto sandbox = existing(*state, ex);
    const auto body = parse_body(ex);
    if (!body.contains("timeout")) throw api_error(400, "timeout is required");
    state->registry.set_lifetime(*sandbox, timeout_of(body, 0));
    co_await ex.respond(204);
  });
}

}  // namespace sbx_fake::e2b
