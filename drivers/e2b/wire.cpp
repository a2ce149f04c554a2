#include "drivers/e2b/wire.hpp"

#include "codecs/connect_envelope.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <array>
#include <charconv>
#include <stdexcept>

namespace sbx::drivers::e2b {
namespace {

namespace json = boost::json;

std::string string_or(const json::object& object, std::string_view key, std::string fallback = {}) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::move(fallback);
}

std::optional<std::string> optional_string(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (!value || !value->is_string() || value->as_string().empty()) return std::nullopt;
  return std::string(value->as_string());
}

json::object to_json(const env_map& map) {
  json::object out;
  for (const auto& [k, v] : map) out[k] = v;
  return out;
}

// The `T` that a JSON number holds exactly; nullopt for a fraction or a value out of
// T's range (1.5, -1 as unsigned, 1e30).
template <class T>
std::optional<T> exact_number(const json::value& value) {
  boost::system::error_code ec;
  const auto number = value.to_number<T>(ec);
  if (ec) return std::nullopt;
  return number;
}

// The signal numbers behind Go's os.ProcessState strings on Linux.
int signal_number(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, int>, 15> names{{
      {"hangup", 1}, {"interrupt", 2}, {"quit", 3}, {"illegal instruction", 4},
      {"trace/breakpoint trap", 5}, {"aborted", 6}, {"bus error", 7}, {"floating point exception", 8},
      {"killed", 9}, {"user defined signal 1", 10}, {"segmentation fault", 11},
      {"user defined signal 2", 12}, {"broken pipe", 13}, {"alarm clock", 14}, {"terminated", 15},
  }};
  for (const auto& [text, number] : names)
    if (name.substr(0, text.size()) == text) return number;
  return 0;
}

}  // namespace

sandbox_record parse_sandbox(const json::value& value) {
  if (!value.is_object()) throw std::invalid_argument("a sandbox is not a JSON object");
  const auto& o = value.as_object();
  sandbox_record r{
      .sandbox_id = string_or(o, "sandboxID"),
      .template_id = string_or(o, "templateID"),
      .envd_version = string_or(o, "envdVersion"),
      .envd_access_token = optional_string(o, "envdAccessToken"),
      .domain = optional_string(o, "domain"),
  };
  if (r.sandbox_id.empty()) throw std::invalid_argument("a sandbox object has no sandboxID");
  if (const auto* metadata = o.if_contains("metadata"); metadata && metadata->is_object())
    for (const auto& [k, v] : metadata->as_object())
      if (v.is_string()) r.metadata[k] = v.as_string();
  return r;
}

std::vector<sandbox_record> parse_sandbox_list(const json::value& value) {
  if (!value.is_array()) throw std::invalid_argument("a sandbox list is not a JSON array");
  std::vector<sandbox_record> out;
  for (const auto& item : value.as_array()) out.push_back(parse_sandbox(item));
  return out;
}

json::object create_body(const ResolvedOptions& options, const std::string& template_id, const env_map& metadata) {
  json::object body{
      {"templateID", template_id},
      {"timeout", options.timeout_secs},
      {"envVars", to_json(options.env_vars)},
      {"metadata", to_json(metadata)},
      {"allow_internet_access", options.allow_internet},
      {"secure", true},
      {"autoPause", false},
  };
  for (const auto& [key, value] : options.backend_options) body[key] = value;
  return body;
}

std::string query_encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

std::string list_query(const env_map& filter, std::size_t limit, const std::string& next_token) {
  std::string metadata;
  for (const auto& [k, v] : filter) metadata += (metadata.empty() ? "" : "&") + query_encode(k) + "=" + query_encode(v);
  std::string out = "state=running&limit=" + std::to_string(limit);
  if (!metadata.empty()) out += "&metadata=" + query_encode(metadata);
  if (!next_token.empty()) out += "&nextToken=" + query_encode(next_token);
  return out;
}

json::object start_request(const std::vector<std::string>& argv, const env_map& envs, const std::string& cwd,
                           std::optional<bool> stdin_flag) {
  if (argv.empty()) throw std::invalid_argument("an exec needs a program");
  json::array args;
  for (std::size_t i = 1; i < argv.size(); ++i) args.emplace_back(argv[i]);
  json::object process{{"cmd", argv.front()}, {"args", std::move(args)}, {"envs", to_json(envs)}};
  if (!cwd.empty()) process["cwd"] = cwd;
  json::object request{{"process", std::move(process)}};
  if (stdin_flag) request["stdin"] = *stdin_flag;
  return request;
}

process_event parse_process_event(std::string_view text) {
  boost::system::error_code ec;
  const auto value = json::parse(text, ec);
  if (ec || !value.is_object()) throw std::invalid_argument("a process event is not a JSON object");
  const auto* event = value.as_object().if_contains("event");
  if (!event || !event->is_object()) throw std::invalid_argument("a process message has no event");
  const auto& e = event->as_object();
  process_event out;
  if (const auto* start = e.if_contains("start"); start && start->is_object()) {
    out.type = process_event::kind::start;
    const auto* pid = start->as_object().if_contains("pid");
    out.pid = pid && pid->is_number() ? exact_number<int>(*pid).value_or(0) : 0;
  } else if (const auto* data = e.if_contains("data"); data && data->is_object()) {
    out.type = process_event::kind::output;
    const auto& d = data->as_object();
    const json::value* bytes = d.if_contains("stdout");
    if (!bytes) {
      bytes = d.if_contains("stderr");
      out.stream = output_stream::std_err;
    }
    if (!bytes) bytes = d.if_contains("pty");
    if (!bytes || !bytes->is_string()) throw std::invalid_argument("a data event carries no output");
    auto decoded = connect::decode_base64(bytes->as_string());
    if (!decoded) throw std::invalid_argument("a data event is not valid base64");
    out.data = std::move(*decoded);
  } else if (e.contains("keepalive")) {
    out.type = process_event::kind::keepalive;
  } else if (const auto* end = e.if_contains("end"); end && end->is_object()) {
    out.type = process_event::kind::end;
    out.exit_code = exit_code_of(end->as_object());
  }
  return out;
}

int exit_code_of(const json::object& end) {
  const auto* code = end.if_contains("exitCode");
  int exit_code = 0;
  if (code && code->is_number()) {
    const auto given = exact_number<int>(*code);
    if (!given) throw std::invalid_argument("an end event's exitCode is not an integer");
    exit_code = *given;
  }
  if (exit_code >= 0) return exit_code;
  const auto status = string_or(end, "status");
  constexpr std::string_view prefix = "signal: ";
  if (status.substr(0, prefix.size()) != prefix) return 255;
  const int signal = signal_number(std::string_view(status).substr(prefix.size()));
  return signal ? 128 + signal : 255;
}

std::optional<FileInfo> parse_entry(const json::object& entry) {
  const auto type = string_or(entry, "type");
  const auto path = string_or(entry, "path");
  if (path.empty() || (type != "FILE_TYPE_FILE" && type != "FILE_TYPE_DIRECTORY" && type != "FILE_TYPE_SYMLINK"))
    return std::nullopt;
  FileInfo info{.path = path, .is_dir = type == "FILE_TYPE_DIRECTORY"};
  if (type == "FILE_TYPE_FILE") {
    std::uint64_t size = 0;
    if (const auto* s = entry.if_contains("size")) {
      if (s->is_string()) {
        const auto& text = s->as_string();
        std::from_chars(text.data(), text.data() + text.size(), size);
      } else if (s->is_number()) {
        size = exact_number<std::uint64_t>(*s).value_or(0);
      }
    }
    info.size = size;
  }
  return info;
}

bool version_at_least(std::string_view version, std::string_view minimum) {
  const auto parts = [](std::string_view v) {
    std::array<int, 3> out{};
    for (auto& part : out) {
      int n = 0;
      const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc{}) return std::optional<std::array<int, 3>>();
      part = n;
      v.remove_prefix(static_cast<std::size_t>(ptr - v.data()));
      if (!v.empty() && v.front() == '.') v.remove_prefix(1);
    }
    return std::optional(out);
  };
  const auto have = parts(version);
  const auto want = parts(minimum);
  if (!have || !want) return true;
  return *have >= *want;
}

}  // namespace sbx::drivers::e2b
