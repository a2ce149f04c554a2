// The Daytona REST API: sandboxes are created (from a snapshot or an image, with
// resources, env, labels, network blocking and auto-stop), inspected, listed (label
// filter, cursor pages) and deleted.
#include "fakes/daytona/daytona_fake.hpp"

#include "owner_labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace sbx_fake::daytona {
namespace {

namespace json = boost::json;
using std::chrono::system_clock;

sbx::env_map string_map(const exchange& ex, const json::object& body, std::string_view key) {
  sbx::env_map out;
  const auto* value = body.if_contains(key);
  if (!value || value->is_null()) return out;
  if (!value->is_object()) throw api_error(ex, 400, std::string(key) + " must be an object of strings");
  for (const auto& [name, v] : value->as_object()) {
    if (!v.is_string()) throw api_error(ex, 400, std::string(key) + " must be an object of strings");
    out[name] = v.as_string();
  }
  return out;
}

json::object to_json(const sbx::env_map& map) {
  json::object out;
  for (const auto& [k, v] : map) out[k] = v;
  return out;
}

std::optional<std::int64_t> integer(const exchange& ex, const json::object& body, std::string_view key) {
  const auto* value = body.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_int64() && !value->is_uint64()) throw api_error(ex, 400, std::string(key) + " must be an integer");
  return value->to_number<std::int64_t>();
}

std::int64_t attribute(const fake_sandbox& sandbox, std::string_view key) {
  const auto* value = sandbox.settings().attributes.if_contains(key);
  return value && value->is_int64() ? value->as_int64() : 0;
}

std::string text_attribute(const fake_sandbox& sandbox, std::string_view key) {
  const auto* value = sandbox.settings().attributes.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::string state_of(const daytona_state& state, const fake_sandbox& sandbox) {
  return system_clock::now() - sandbox.created_at() >= state.options.start_delay ? "started" : "creating";
}

// The Sandbox object.
json::object sandbox_json(const daytona_state& state, const fake_sandbox& sandbox, std::string_view sandbox_state = {}) {
  const auto& s = sandbox.settings();
  json::object out{
      {"id", sandbox.id()},
      {"organizationId", "sbx-fake"},
      {"name", sandbox.id()},
      {"user", "daytona"},
      {"env", to_json(s.env)},
      {"labels", to_json(s.labels)},
      {"public", false},
      {"networkBlockAll", !s.network},
      {"target", text_attribute(sandbox, "target")},
      {"cpu", attribute(sandbox, "cpu")},
      {"gpu", 0},
      {"memory", attribute(sandbox, "memory")},
      {"disk", attribute(sandbox, "disk")},
      {"state", sandbox_state.empty() ? state_of(state, sandbox) : std::string(sandbox_state)},
      {"desiredState", "started"},
      {"autoStopInterval", attribute(sandbox, "autoStopInterval")},
      {"autoArchiveInterval", 10080},
      {"autoDeleteInterval", attribute(sandbox, "autoDeleteInterval")},
      {"createdAt", sbx::detail::format_utc(sandbox.created_at())},
      {"updatedAt", sbx::detail::format_utc(sandbox.created_at())},
      {"toolboxProxyUrl", state.toolbox_url},
  };
  if (const auto snapshot = text_attribute(sandbox, "snapshot"); !snapshot.empty()) out["snapshot"] = snapshot;
  return out;
}

// The provider facts of a new sandbox; throws 400 for the combinations Daytona refuses.
json::object new_attributes(const exchange& ex, const json::object& body) {
  const auto* snapshot = body.if_contains("snapshot");
  const auto* build = body.if_contains("buildInfo");
  const bool from_snapshot = snapshot && snapshot->is_string() && !snapshot->as_string().empty();
  const bool from_image = build && build->is_object();
  if (from_snapshot && from_image) throw api_error(ex, 400, "Cannot specify both snapshot and buildInfo");
  const auto cpu = integer(ex, body, "cpu");
  const auto memory = integer(ex, body, "memory");
  const auto disk = integer(ex, body, "disk");
  if ((cpu || memory || disk) && !from_image)
    throw api_error(ex, 400, "Cannot specify Sandbox resources when using a snapshot");
  for (const auto& value : {cpu, memory, disk})
    if (value && *value < 1) throw api_error(ex, 400, "resources must be positive");
  const auto auto_stop = integer(ex, body, "autoStopInterval").value_or(15);
  if (auto_stop < 0) throw api_error(ex, 400, "autoStopInterval must not be negative");
  json::object out{
      {"cpu", cpu.value_or(1)},
      {"memory", memory.value_or(1)},
      {"disk", disk.value_or(3)},
      {"autoStopInterval", auto_stop},
      {"autoDeleteInterval", integer(ex, body, "autoDeleteInterval").value_or(-1)},
      {"snapshot", from_snapshot ? std::string(snapshot->as_string()) : std::string()},
      {"target", "us"},
  };
  if (const auto* target = body.if_contains("target"); target && target->is_string()) out["target"] = target->as_string();
  return out;
}

awaitable<void> create(state_ptr state, exchange& ex) {
  authenticate(*state, ex, false);
  const auto body = json_body(ex, false);
  sandbox_settings settings{
      .env = string_map(ex, body, "env"),
      .labels = string_map(ex, body, "labels"),
  };
  if (const auto* block = body.if_contains("networkBlockAll"); block && block->is_bool()) settings.network = !block->as_bool();
  settings.attributes = new_attributes(ex, body);
  // Auto-stop counts minutes without activity; a stopped sandbox is removed here.
  settings.lifetime = std::chrono::minutes(settings.attributes.at("autoStopInterval").as_int64());
  const auto sandbox = state->registry.create(std::move(settings));
  co_await ex.respond_json(200, sandbox_json(*state, *sandbox));
}

std::shared_ptr<fake_sandbox> existing(const daytona_state& state, const exchange& ex) {
  auto sandbox = state.registry.find(ex.param("id"));
  if (!sandbox) throw api_error(ex, 404, "Sandbox with ID or name " + ex.param("id") + " not found");
  return sandbox;
}

// Deletes the sandbox of `ex`; the answer to send (the sandbox, state "destroying").
json::object remove(daytona_state& state, const exchange& ex) {
  const auto answer = sandbox_json(state, *existing(state, ex), "destroying");
  state.sessions.erase(ex.param("id"));
  state.registry.remove(ex.param("id"));
  return answer;
}

// The label filter of a list query (a JSON object of strings).
sbx::env_map label_filter(const exchange& ex) {
  const auto text = ex.query("labels");
  if (!text || text->empty()) return {};
  boost::system::error_code ec;
  const auto value = json::parse(*text, ec);
  if (ec || !value.is_object()) throw api_error(ex, 400, "labels must be a JSON object");
  sbx::env_map out;
  for (const auto& [k, v] : value.as_object())
    if (v.is_string()) out[k] = v.as_string();
  return out;
}

bool matches(const fake_sandbox& sandbox, const sbx::env_map& filter) {
  for (const auto& [k, v] : filter) {
    const auto it = sandbox.settings().labels.find(k);
    if (it == sandbox.settings().labels.end() || it->second != v) return false;
  }
  return true;
}

awaitable<void> list(state_ptr state, exchange& ex) {
  authenticate(*state, ex, false);
  const auto filter = label_filter(ex);
  std::size_t limit = 100;
  if (const auto text = ex.query("limit")) {
    try {
      limit = std::clamp<std::size_t>(std::stoul(*text), 1, 200);
    } catch (const std::exception&) {
      throw api_error(ex, 400, "limit must be a number");
    }
  }
  const std::string after = ex.query("cursor").value_or("");
  json::array items;
  std::string last;
  bool more = false;
  for (const auto& sandbox : state->registry.list()) {  // ordered by id
    if (sandbox->id() <= after || !matches(*sandbox, filter)) continue;
    if (items.size() == limit) {
      more = true;
      break;
    }
    items.push_back(sandbox_json(*state, *sandbox));
    last = sandbox->id();
  }
  json::object page{{"items", std::move(items)}, {"nextCursor", more ? json::value(last) : json::value(nullptr)}};
  co_await ex.respond_json(200, page);
}

json::object proxy_url_json(const daytona_state& state) { return {{"url", state.toolbox_url}}; }

}  // namespace

void add_api(router& routes, state_ptr state) {
  routes.add(http::verb::post, "/api/sandbox", [state](exchange& ex) { return create(state, ex); });
  routes.add(http::verb::get, "/api/sandbox", [state](exchange& ex) { return list(state, ex); });
  routes.add(http::verb::get, "/api/sandbox/{id}", [state](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex, false);
    co_await ex.respond_json(200, sandbox_json(*state, *existing(*state, ex)));
  });
  routes.add(http::verb::delete_, "/api/sandbox/{id}", [state](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex, false);
    co_await ex.respond_json(200, remove(*state, ex));
  });
  routes.add(http::verb::get, "/api/sandbox/{id}/toolbox-proxy-url", [state](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex, false);
    existing(*state, ex);
    co_await ex.respond_json(200, proxy_url_json(*state));
  });
}

}  // namespace sbx_fake::daytona
