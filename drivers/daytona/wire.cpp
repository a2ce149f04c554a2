#include "drivers/daytona/wire.hpp"

#include "sbx/errors.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <cmath>
#include <stdexcept>

namespace sbx::drivers::daytona {
namespace {

namespace json = boost::json;

// Runs "$@" in $2 with stdin from $3, appending stdout to $1/out and stderr to $1/err.
constexpr const char* exec_script =
    "d=$1 cwd=$2 in=$3\n"
    "shift 3\n"
    "mkdir -p \"$d\" || exit 1\n"
    "cd \"$cwd\" 2>>\"$d/err\" || exit 1\n"
    "exec \"$@\" <\"$in\" >>\"$d/out\" 2>>\"$d/err\"\n";

std::string string_or(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

json::object to_json(const env_map& map) {
  json::object out;
  for (const auto& [k, v] : map) out[k] = v;
  return out;
}

// Whole units of `per_unit` covering `amount`, at least 1.
std::int64_t whole_units(double amount, double per_unit) {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(amount / per_unit)));
}

bool is_shell_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  for (const char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

std::optional<std::int64_t> integer_of(const json::value* value) {
  if (!value) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) return static_cast<std::int64_t>(value->as_uint64());
  if (value->is_double()) return static_cast<std::int64_t>(value->as_double());
  return std::nullopt;
}

}  // namespace

state_kind classify_state(std::string_view state) {
  if (state == "started") return state_kind::started;
  if (state == "error" || state == "build_failed") return state_kind::failed;
  if (state == "destroyed" || state == "destroying") return state_kind::gone;
  return state_kind::pending;
}

sandbox_record parse_sandbox(const json::value& value) {
  if (!value.is_object()) throw std::invalid_argument("a sandbox is not a JSON object");
  const auto& o = value.as_object();
  sandbox_record r{
      .id = string_or(o, "id"),
      .state = string_or(o, "state"),
      .error_reason = string_or(o, "errorReason"),
      .toolbox_proxy_url = string_or(o, "toolboxProxyUrl"),
  };
  if (r.id.empty()) throw std::invalid_argument("a sandbox object has no id");
  if (const auto* labels = o.if_contains("labels"); labels && labels->is_object())
    for (const auto& [k, v] : labels->as_object())
      if (v.is_string()) r.labels[k] = v.as_string();
  return r;
}

sandbox_page parse_sandbox_page(const json::value& value) {
  sandbox_page page;
  const json::array* items = value.if_array();
  if (const auto* o = value.if_object()) {
    const auto* listed = o->if_contains("items");
    items = listed ? listed->if_array() : nullptr;
    page.next_cursor = string_or(*o, "nextCursor");
  }
  if (!items) throw std::invalid_argument("a sandbox list has no items array");
  for (const auto& item : *items) page.items.push_back(parse_sandbox(item));
  return page;
}

json::object create_body(const ResolvedOptions& options, const std::optional<std::string>& snapshot,
                         const std::optional<std::string>& target, const env_map& labels) {
  auto all_labels = labels;
  all_labels.emplace(label_code_language, "python");
  json::object body{
      {"env", to_json(options.env_vars)},
      {"labels", to_json(all_labels)},
      {"networkBlockAll", !options.allow_internet},
      {"autoStopInterval", whole_units(options.timeout_secs, 60)},
      {"autoDeleteInterval", 0},
  };
  if (options.image) {
    body["buildInfo"] = json::object{{"dockerfileContent", "FROM " + *options.image + "\n"}};
    body["cpu"] = whole_units(options.cpu, 1);
    body["memory"] = whole_units(options.memory_mb, 1024);
    if (options.disk_mb) body["disk"] = whole_units(*options.disk_mb, 1024);
    if (options.gpu) body["gpu"] = *options.gpu;
  } else if (snapshot) {
    body["snapshot"] = *snapshot;
  }
  if (target) body["target"] = *target;
  for (const auto& [key, value] : options.backend_options) body[key] = value;
  return body;
}

std::string query_encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

std::string list_query(const env_map& filter, std::size_t limit, const std::string& cursor) {
  std::string out = "limit=" + std::to_string(limit);
  if (!filter.empty()) out += "&labels=" + query_encode(json::serialize(to_json(filter)));
  if (!cursor.empty()) out += "&cursor=" + query_encode(cursor);
  return out;
}

std::vector<FileInfo> parse_file_list(const json::value& value, const std::string& dir) {
  if (!value.is_array()) throw std::invalid_argument("a file list is not a JSON array");
  const std::string prefix = dir == "/" ? "/" : dir + "/";
  std::vector<FileInfo> out;
  for (const auto& item : value.as_array()) {
    if (!item.is_object()) throw std::invalid_argument("a file entry is not a JSON object");
    const auto& o = item.as_object();
    const auto name = string_or(o, "name");
    if (name.empty()) throw std::invalid_argument("a file entry has no name");
    const auto* is_dir = o.if_contains("isDir");
    FileInfo info{.path = prefix + name, .is_dir = is_dir && is_dir->is_bool() && is_dir->as_bool()};
    if (!info.is_dir)
      if (const auto size = integer_of(o.if_contains("size")); size && *size >= 0)
        info.size = static_cast<std::uint64_t>(*size);
    out.push_back(std::move(info));
  }
  return out;
}

std::string shell_quote(std::string_view word) {
  std::string out = "'";
  for (const char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string shell_join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : " ") + shell_quote(word);
  return out;
}

std::string exec_command_line(const std::vector<std::string>& argv, const env_map& env, const std::string& cwd,
                              const exec_files& files) {
  if (argv.empty()) throw SandboxExecutionError("exec needs a program", {.backend = "daytona", .op = "exec"});
  std::string line;
  for (const auto& [name, value] : env) {
    if (!is_shell_name(name))
      throw SandboxConfigurationError("Daytona exec: environment variable name '" + name + "' is not a shell identifier",
                                      {.backend = "daytona", .op = "exec"});
    line += name + "=" + shell_quote(value) + " ";
  }
  const std::string dir = cwd.empty() ? "." : cwd;
  std::vector<std::string> words{"/bin/sh", "-c", exec_script, "sbx-exec", files.dir, dir, files.input};
  words.insert(words.end(), argv.begin(), argv.end());
  return line + shell_join(words);
}

std::string parse_command_id(const json::value& value) {
  const auto* o = value.if_object();
  const auto id = o ? string_or(*o, "cmdId") : std::string();
  if (id.empty()) throw std::invalid_argument("a session exec answer has no cmdId");
  return id;
}

std::optional<int> parse_command_exit(const json::value& value) {
  const auto* o = value.if_object();
  if (!o) throw std::invalid_argument("a session command is not a JSON object");
  const auto code = integer_of(o->if_contains("exitCode"));
  if (!code) return std::nullopt;
  return static_cast<int>(*code);
}

std::string multipart_body(const std::vector<form_field>& fields, const std::string& boundary) {
  std::string body;
  for (const auto& field : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.name + "\"";
    if (!field.filename.empty())
      body += "; filename=\"" + field.filename + "\"\r\nContent-Type: application/octet-stream";
    body += "\r\n\r\n";
    body.append(field.content);
    body += "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

}  // namespace sbx::drivers::daytona
