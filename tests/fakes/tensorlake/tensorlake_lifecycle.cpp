// Tensorlake's lifecycle API: sandboxes are created (blocking: the answer says
// "running"), looked up by id or name, listed, deleted and snapshotted; snapshots are
// looked up, listed and deleted. Every route exists under the flat path and under
// /v1/namespaces/{ns}.
#include "fakes/tensorlake/tensorlake_fake.hpp"

#include "owner_labels.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <csignal>

namespace sbx_fake::tensorlake {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

json::object parse_body(exchange& ex) {
  if (ex.body().empty()) return {};
  boost::system::error_code ec;
  auto value = json::parse(ex.body(), ec);
  if (ec || !value.is_object()) throw api_error(400, "the request body must be a JSON object", "INVALID_REQUEST");
  return std::move(value.as_object());
}

std::string attribute(const fake_sandbox& sandbox, std::string_view key) {
  const auto* value = sandbox.settings().attributes.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

json::value attribute_value(const fake_sandbox& sandbox, std::string_view key) {
  const auto* value = sandbox.settings().attributes.if_contains(key);
  return value ? *value : json::value();
}

json::value optional(const std::string& text) { return text.empty() ? json::value() : json::value(text); }

std::string base_url(const exchange& ex) { return "http://" + std::string(ex.header("Host")); }

// SandboxInfo (GET, list) of a live sandbox.
json::object info_json(const exchange& ex, const fake_sandbox& sandbox) {
  const bool running = attribute(sandbox, "status") == "running";
  return {
      {"id", sandbox.id()},
      {"namespace", attribute(sandbox, "namespace")},
      {"status", attribute(sandbox, "status")},
      {"image", optional(attribute(sandbox, "image"))},
      {"resources", attribute_value(sandbox, "resources")},
      {"timeout_secs", attribute_value(sandbox, "timeout_secs")},
      {"name", optional(attribute(sandbox, "name"))},
      {"created_at", sbx::detail::format_utc(sandbox.created_at())},
      {"network_policy", {{"allow_internet_access", sandbox.settings().network}, {"allow_out", json::array()}, {"deny_out", json::array()}}},
      {"auto_resume", attribute_value(sandbox, "auto_resume")},
      {"allow_unauthenticated_access", false},
      {"sandbox_url", running ? json::value(base_url(ex)) : json::value()},
      {"routing_hint", "fake-" + sandbox.id()},
  };
}

// CreateSandboxResponse.
json::object created_json(const exchange& ex, const fake_sandbox& sandbox) {
  return {
      {"sandbox_id", sandbox.id()},
      {"status", attribute(sandbox, "status")},
      {"name", optional(attribute(sandbox, "name"))},
      {"sandbox_url", base_url(ex)},
      {"routing_hint", "fake-" + sandbox.id()},
  };
}

std::shared_ptr<fake_sandbox> by_id_or_name(const tensorlake_state& state, const std::string& key) {
  if (auto sandbox = state.registry.find(key)) return sandbox;
  for (const auto& sandbox : state.registry.list())
    if (!key.empty() && attribute(*sandbox, "name") == key) return sandbox;
  return nullptr;
}

std::shared_ptr<fake_sandbox> existing(const tensorlake_state& state, const exchange& ex) {
  auto sandbox = by_id_or_name(state, ex.param("id"));
  if (!sandbox) throw api_error(404, "sandbox " + ex.param("id") + " not found", "NOT_FOUND");
  return sandbox;
}

double number(const json::object& o, std::string_view key, double fallback) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_number()) throw api_error(400, std::string(key) + " must be a number", "INVALID_REQUEST");
  return v->to_number<double>();
}

// The resources of a create body, validated.
json::object resources_of(const json::object& body) {
  const auto* r = body.if_contains("resources");
  const json::object empty;
  const auto& resources = r && r->is_object() ? r->as_object() : empty;
  const double cpus = number(resources, "cpus", 1.0);
  const double memory = number(resources, "memory_mb", 1024);
  const double disk = number(resources, "disk_mb", 10240);
  if (cpus <= 0 || memory <= 0 || disk <= 0) throw api_error(400, "resources must be positive", "INVALID_REQUEST");
  return {{"cpus", cpus}, {"memory_mb", static_cast<std::int64_t>(memory)}, {"disk_mb", static_cast<std::int64_t>(disk)}};
}

void copy_tree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (fs::exists(from, ec))
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing | fs::copy_options::copy_symlinks, ec);
}

// Copies the sandbox's writable directories (its mounts and root overlay) to `dir`.
void save_files(const fake_sandbox& sandbox, const fs::path& dir) {
  const auto& mounts = sandbox.paths().mounts();
  for (std::size_t i = 0; i < mounts.size(); ++i) copy_tree(mounts[i].host_path, dir / std::to_string(i));
  copy_tree(sandbox.dir() / "rootfs", dir / "rootfs");
}

void restore_files(const fake_sandbox& sandbox, const fs::path& dir) {
  const auto& mounts = sandbox.paths().mounts();
  for (std::size_t i = 0; i < mounts.size(); ++i) copy_tree(dir / std::to_string(i), mounts[i].host_path);
  copy_tree(dir / "rootfs", sandbox.dir() / "rootfs");
}

void end_lifetime(tensorlake_state& state, const std::string& id) {
  if (const auto it = state.lifetimes.find(id); it != state.lifetimes.end()) {
    it->second->cancel();
    state.lifetimes.erase(it);
  }
}

// At the end of timeout_secs: a named sandbox is suspended, another one terminated.
void start_lifetime(state_ptr state, boost::asio::any_io_executor executor, const std::string& id,
                    std::int64_t seconds) {
  if (seconds <= 0) return;
  auto timer = std::make_shared<boost::asio::steady_timer>(executor, std::chrono::seconds(seconds));
  state->lifetimes[id] = timer;
  timer->async_wait([state, id, timer](boost::system::error_code ec) {
    if (ec) return;
    state->lifetimes.erase(id);
    const auto sandbox = state->registry.find(id);
    if (!sandbox) return;
    if (attribute(*sandbox, "name").empty()) {
      state->registry.remove(id);
      return;
    }
    sandbox->settings().attributes["status"] = "suspended";
    for (const auto& process : sandbox->processes()) process->signal(SIGKILL);
  });
}

awaitable<void> create(state_ptr state, exchange& ex, std::string ns) {
  authenticate(*state, ex);
  const auto body = parse_body(ex);
  const auto name = [&] {
    const auto* v = body.if_contains("name");
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }();
  if (!name.empty() && by_id_or_name(*state, name)) throw api_error(409, "sandbox name " + name + " is taken", "CONFLICT");
  const fake_snapshot* snapshot = nullptr;
  if (const auto* id = body.if_contains("snapshot_id"); id && id->is_string()) {
    const auto it = state->snapshots.find(std::string(id->as_string()));
    if (it == state->snapshots.end()) throw api_error(404, "snapshot not found", "NOT_FOUND");
    snapshot = &it->second;
  }
  sandbox_settings settings;
  if (const auto* network = body.if_contains("network"); network && network->is_object()) {
    const auto* allow = network->as_object().if_contains("allow_internet_access");
    if (allow && allow->is_bool()) settings.network = allow->as_bool();
  }
  const auto* timeout = body.if_contains("timeout_secs");
  const std::int64_t lifetime = timeout && timeout->is_number() ? timeout->to_number<std::int64_t>() : 0;
  const auto* image = body.if_contains("image");
  const std::string image_name = image && image->is_string() ? std::string(image->as_string()) : "";
  const auto* auto_resume = body.if_contains("auto_resume");
  settings.attributes = {
      {"namespace", ns},
      {"name", name},
      {"image", image_name},
      {"status", "running"},
      {"resources", resources_of(body)},
      {"timeout_secs", lifetime > 0 ? json::value(lifetime) : json::value()},
      {"auto_resume", !(auto_resume && auto_resume->is_bool() && !auto_resume->as_bool())},
      {"request", body},
  };
  const auto sandbox = state->registry.create(std::move(settings));
  if (snapshot) restore_files(*sandbox, snapshot->dir);
  if (image_name == "sbx-fake/missing") {
    auto answer = created_json(ex, *sandbox);
    answer["status"] = "terminated";
    answer["termination_reason"] = "ImageNotFound";
    answer["sandbox_url"] = nullptr;
    state->registry.remove(sandbox->id());
    co_await ex.respond_json(200, answer);
    co_return;
  }
  start_lifetime(state, co_await boost::asio::this_coro::executor, sandbox->id(), lifetime);
  co_await ex.respond_json(200, created_json(ex, *sandbox));
}

awaitable<void> remove(state_ptr state, exchange& ex) {
  authenticate(*state, ex);
  const auto sandbox = existing(*state, ex);
  end_lifetime(*state, sandbox->id());
  state->registry.remove(sandbox->id());
  co_await ex.respond(200, "{}");
}

json::object snapshot_json(const fake_snapshot& s, const std::string& ns) {
  return {{"id", s.id},           {"namespace", ns},
          {"sandbox_id", s.sandbox_id}, {"status", s.status}, {"snapshot_type", s.type},
          {"created_at", s.created_at}, {"size_bytes", 0}};
}

json::object named_list(const char* key, json::array items) { return {{key, std::move(items)}}; }

fake_snapshot new_snapshot(const tensorlake_state& state, const fake_sandbox& sandbox, const std::string& kind) {
  fake_snapshot snapshot{.id = "snap-" + sbx::detail::random_hex(16), .sandbox_id = sandbox.id(), .type = kind,
                         .created_at = sbx::detail::format_utc(std::chrono::system_clock::now())};
  snapshot.dir = state.snapshot_root / snapshot.id;
  return snapshot;
}

json::object snapshot_started(const std::string& id) { return {{"snapshot_id", id}, {"status", "in_progress"}}; }

awaitable<void> take_snapshot(state_ptr state, exchange& ex) {
  authenticate(*state, ex);
  const auto sandbox = existing(*state, ex);
  const auto body = parse_body(ex);
  const auto* type = body.if_contains("snapshot_type");
  const std::string kind = type && type->is_string() ? std::string(type->as_string()) : "filesystem";
  if (kind != "filesystem" && kind != "memory") throw api_error(400, "unknown snapshot_type", "INVALID_REQUEST");
  auto snapshot = new_snapshot(*state, *sandbox, kind);
  save_files(*sandbox, snapshot.dir);
  const auto id = snapshot.id;
  state->snapshots.emplace(id, std::move(snapshot));
  co_await ex.respond_json(200, snapshot_started(id));
}

fake_snapshot& existing_snapshot(tensorlake_state& state, const exchange& ex) {
  const auto it = state.snapshots.find(ex.param("snapshot"));
  if (it == state.snapshots.end()) throw api_error(404, "snapshot not found", "NOT_FOUND");
  return it->second;
}

void add_routes(router& routes, state_ptr state, const std::string& prefix) {
  const auto ns = [prefix](const exchange& ex) { return prefix.empty() ? std::string("default") : ex.param("ns"); };
  routes.add(http::verb::post, prefix + "/sandboxes",
             [state, ns](exchange& ex) { return create(state, ex, ns(ex)); });
  routes.add(http::verb::get, prefix + "/sandboxes", [state](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex);
    json::array sandboxes;
    for (const auto& sandbox : state->registry.list()) sandboxes.push_back(info_json(ex, *sandbox));
    co_await ex.respond_json(200, named_list("sandboxes", std::move(sandboxes)));
  });
  routes.add(http::verb::get, prefix + "/sandboxes/{id}", [state](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex);
    co_await ex.respond_json(200, info_json(ex, *existing(*state, ex)));
  });
  routes.add(http::verb::delete_, prefix + "/sandboxes/{id}", [state](exchange& ex) { return remove(state, ex); });
  routes.add(http::verb::post, prefix + "/sandboxes/{id}/snapshot",
             [state](exchange& ex) { return take_snapshot(state, ex); });
  routes.add(http::verb::get, prefix + "/snapshots/{snapshot}", [state, ns](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex);
    auto& snapshot = existing_snapshot(*state, ex);
    const auto answer = snapshot_json(snapshot, ns(ex));
    snapshot.status = "completed";  // in_progress is seen once, as a real snapshot's first poll
    co_await ex.respond_json(200, answer);
  });
  routes.add(http::verb::get, prefix + "/snapshots", [state, ns](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex);
    json::array list;
    for (const auto& [id, snapshot] : state->snapshots) list.push_back(snapshot_json(snapshot, ns(ex)));
    co_await ex.respond_json(200, named_list("snapshots", std::move(list)));
  });
  routes.add(http::verb::delete_, prefix + "/snapshots/{snapshot}", [state](exchange& ex) -> awaitable<void> {
    authenticate(*state, ex);
    auto& snapshot = existing_snapshot(*state, ex);
    std::error_code ec;
    fs::remove_all(snapshot.dir, ec);
    state->snapshots.erase(snapshot.id);
    co_await ex.respond(200, "{}");
  });
}

}  // namespace

void add_lifecycle(router& routes, state_ptr state) {
  add_routes(routes, state, "");
  add_routes(routes, state, "/v1/namespaces/{ns}");
}

}  // namespace sbx_fake::tensorlake
