#include "drivers/tensorlake/wire.hpp"

#include "owner_labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <unistd.h>

namespace sbx::drivers::tensorlake {
namespace {

namespace json = boost::json;

std::string host_hash(std::string_view host) {
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (const char c : host) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 0xf];
  return out;
}

std::optional<std::string> optional_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string() || v->as_string().empty()) return std::nullopt;
  return std::string(v->as_string());
}

std::string string_or(const json::object& o, std::string_view key) { return optional_string(o, key).value_or(""); }

std::optional<long long> digits(std::string_view text) {
  long long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int> int_of(const json::value* v) {
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<int>();
}

}  // namespace

std::string owner_name(std::chrono::seconds lifetime) {
  const auto expires = std::chrono::duration_cast<std::chrono::seconds>(
      (std::chrono::system_clock::now() + lifetime).time_since_epoch());
  return std::string(name_prefix) + host_hash(detail::host_name()) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(expires.count()) + "-" + detail::random_hex(12);
}

std::optional<env_map> owner_of(std::string_view name) {
  if (name.substr(0, name_prefix.size()) != name_prefix) return std::nullopt;
  name.remove_prefix(name_prefix.size());
  std::vector<std::string_view> parts;
  for (std::size_t at = 0;;) {
    const auto dash = name.find('-', at);
    parts.push_back(name.substr(at, dash == std::string_view::npos ? dash : dash - at));
    if (dash == std::string_view::npos) break;
    at = dash + 1;
  }
  if (parts.size() != 4 || parts[0].size() != 8 || parts[3].empty()) return std::nullopt;
  const auto pid = digits(parts[1]);
  const auto expires = digits(parts[2]);
  if (!pid || !expires) return std::nullopt;
  const std::string hash(parts[0]);
  const auto expiry = std::chrono::system_clock::time_point(std::chrono::seconds(*expires));
  return env_map{
      {detail::label_library, "sbx"},
      {detail::label_host, hash == host_hash(detail::host_name()) ? detail::host_name() : "other:" + hash},
      {detail::label_pid, std::to_string(*pid)},
      {detail::label_expires_at, detail::format_utc(expiry)},
  };
}

sandbox_record parse_sandbox(const json::value& value) {
  if (!value.is_object()) throw std::invalid_argument("a sandbox is not a JSON object");
  const auto& o = value.as_object();
  sandbox_record r{
      .sandbox_id = optional_string(o, "sandbox_id").value_or(string_or(o, "id")),
      .status = optional_string(o, "status").value_or(string_or(o, "state")),
      .name = optional_string(o, "name"),
      .sandbox_url = optional_string(o, "sandbox_url"),
      .routing_hint = optional_string(o, "routing_hint"),
  };
  if (r.sandbox_id.empty()) throw std::invalid_argument("a sandbox object has no sandbox_id");
  if (r.status.empty()) throw std::invalid_argument("a sandbox object has no status");
  for (const char* key : {"termination_reason", "reason", "pending_reason"})
    if (auto text = optional_string(o, key)) {
      r.reason = *text;
      break;
    }
  if (const auto* details = o.if_contains("error_details"); details && !details->is_null())
    r.reason += (r.reason.empty() ? "" : ": ") +
                (details->is_string() ? std::string(details->as_string()) : json::serialize(*details));
  return r;
}

std::vector<sandbox_record> parse_sandbox_list(const json::value& value) {
  const auto* list = value.is_object() ? value.as_object().if_contains("sandboxes") : nullptr;
  if (!list || !list->is_array()) throw std::invalid_argument("a sandbox list has no \"sandboxes\" array");
  std::vector<sandbox_record> out;
  for (const auto& item : list->as_array()) out.push_back(parse_sandbox(item));
  return out;
}

json::object create_body(const ResolvedOptions& options, const std::optional<std::string>& image,
                         const std::string& name) {
  json::object body;
  if (image) body["image"] = *image;
  if (!options.snapshot_id) {
    json::object resources{{"cpus", options.cpu}, {"memory_mb", options.memory_mb}};
    if (options.disk_mb) resources["disk_mb"] = *options.disk_mb;
    if (options.gpu && *options.gpu > 0)
      resources["gpus"] = json::array{json::object{{"count", *options.gpu}, {"model", options.gpu_type.value_or("A10")}}};
    body["resources"] = std::move(resources);
  } else {
    body["snapshot_id"] = *options.snapshot_id;
  }
  body["timeout_secs"] = options.timeout_secs;
  if (!options.allow_internet)
    body["network"] = json::object{{"allow_internet_access", false}, {"allow_out", json::array()}, {"deny_out", json::array()}};
  body["name"] = name;
  body["auto_resume"] = false;
  for (const auto& [key, value] : options.backend_options) body[key] = value;
  return body;
}

snapshot_record parse_snapshot(const json::value& value) {
  if (!value.is_object()) throw std::invalid_argument("a snapshot is not a JSON object");
  const auto& o = value.as_object();
  snapshot_record r{
      .snapshot_id = optional_string(o, "snapshot_id").value_or(string_or(o, "id")),
      .status = string_or(o, "status"),
      .created_at = optional_string(o, "created_at"),
      .error = string_or(o, "error"),
  };
  if (r.snapshot_id.empty()) throw std::invalid_argument("a snapshot object has no snapshot_id");
  if (r.status.empty()) throw std::invalid_argument("a snapshot object has no status");
  return r;
}

std::string url_encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

json::object run_request(const std::vector<std::string>& argv, const env_map& env, const std::string& cwd,
                         std::optional<std::chrono::seconds> timeout, const std::optional<std::string>& user) {
  if (argv.empty()) throw std::invalid_argument("an exec needs a program");
  json::array args;
  for (std::size_t i = 1; i < argv.size(); ++i) args.emplace_back(argv[i]);
  json::object envs;
  for (const auto& [k, v] : env) envs[k] = v;
  json::object body{{"command", argv.front()}, {"args", std::move(args)}, {"env", std::move(envs)}};
  if (!cwd.empty()) body["working_dir"] = cwd;
  if (timeout) body["timeout"] = timeout->count();
  if (user) body["user"] = *user;
  return body;
}

run_event parse_run_event(std::string_view data) {
  boost::system::error_code ec;
  const auto value = json::parse(data, ec);
  if (ec || !value.is_object()) throw std::invalid_argument("a process event is not a JSON object");
  const auto& o = value.as_object();
  run_event out;
  if (const auto* line = o.if_contains("line"); line && line->is_string()) {
    out.type = run_event::kind::output;
    out.line = line->as_string();
    out.stream = string_or(o, "stream") == "stderr" ? output_stream::std_err : output_stream::std_out;
    return out;
  }
  const auto code = int_of(o.if_contains("exit_code"));
  const auto signal = int_of(o.if_contains("signal"));
  if (code || signal) {
    out.type = run_event::kind::exit;
    out.exit_code = code ? *code : 128 + *signal;
    out.timed_out = string_or(o, "reason") == "timed_out";
    return out;
  }
  if (const auto pid = int_of(o.if_contains("pid"))) {
    out.type = run_event::kind::start;
    out.pid = *pid;
  }
  return out;
}

std::vector<FileInfo> parse_listing(const json::value& value, const std::string& dir) {
  const auto* entries = value.is_object() ? value.as_object().if_contains("entries") : nullptr;
  if (!entries || !entries->is_array()) throw std::invalid_argument("a directory listing has no \"entries\" array");
  const std::string base = dir == "/" ? "" : dir;
  std::vector<FileInfo> out;
  for (const auto& entry : entries->as_array()) {
    if (!entry.is_object()) throw std::invalid_argument("a directory entry is not an object");
    const auto& e = entry.as_object();
    const auto name = string_or(e, "name");
    if (name.empty()) throw std::invalid_argument("a directory entry has no name");
    const auto* is_dir = e.if_contains("is_dir");
    FileInfo info{.path = base + "/" + name, .is_dir = is_dir && is_dir->is_bool() && is_dir->as_bool()};
    if (!info.is_dir) {
      const auto* size = e.if_contains("size");
      info.size = size && size->is_number() ? size->to_number<std::uint64_t>() : 0;
    }
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace sbx::drivers::tensorlake
