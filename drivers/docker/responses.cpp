#include "drivers/docker/responses.hpp"

#include "sbx/errors.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace sbx::drivers::docker {
namespace {

namespace json = boost::json;

[[noreturn]] void malformed(const std::string& op, std::string_view what) {
  throw SandboxExecutionError("malformed Docker response: " + std::string(what), {.backend = "docker", .op = op});
}

json::object parse_object(std::string_view body, const std::string& op) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object()) malformed(op, "expected a JSON object");
  return std::move(value.as_object());
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool bool_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

const json::object& object_at(const json::object& o, std::string_view key) {
  static const json::object empty;
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : empty;
}

env_map labels_at(const json::object& o, std::string_view key) {
  env_map labels;
  for (const auto& [k, v] : object_at(o, key))
    if (v.is_string()) labels[std::string(k)] = std::string(v.get_string());
  return labels;
}

template <class T>
std::optional<T> number_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return static_cast<T>(v->get_int64());
  if (v->is_uint64()) return static_cast<T>(v->get_uint64());
  return std::nullopt;
}

}  // namespace

std::string parse_id(std::string_view body, const std::string& op) {
  auto id = string_at(parse_object(body, op), "Id");
  if (id.empty()) malformed(op, "no \"Id\"");
  return id;
}

exec_state parse_exec_inspect(std::string_view body, const std::string& op) {
  const auto o = parse_object(body, op);
  return {.running = bool_at(o, "Running"), .exit_code = number_at<int>(o, "ExitCode")};
}

image_facts parse_image_inspect(std::string_view body, const std::string& op) {
  const auto o = parse_object(body, op);
  const auto& config = object_at(o, "Config");
  return {.id = string_at(o, "Id"), .working_dir = string_at(config, "WorkingDir"), .user = string_at(config, "User")};
}

container_facts parse_container_inspect(std::string_view body, const std::string& op) {
  const auto o = parse_object(body, op);
  const auto& config = object_at(o, "Config");
  return {.id = string_at(o, "Id"),
          .running = bool_at(object_at(o, "State"), "Running"),
          .working_dir = string_at(config, "WorkingDir"),
          .user = string_at(config, "User"),
          .labels = labels_at(config, "Labels")};
}

std::vector<container_summary> parse_container_list(std::string_view body, const std::string& op) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_array()) malformed(op, "expected a JSON array");
  std::vector<container_summary> out;
  for (const auto& item : value.get_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.get_object();
    out.push_back({.id = string_at(o, "Id"), .labels = labels_at(o, "Labels")});
  }
  return out;
}

std::optional<path_stat> decode_path_stat(std::string_view header) {
  std::string text(header);
  for (auto& c : text) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text += '=';
  std::string decoded(boost::beast::detail::base64::decoded_size(text.size()), '\0');
  const auto [written, read] = boost::beast::detail::base64::decode(decoded.data(), text.data(), text.size());
  if (text.find_first_not_of('=', read) != std::string::npos) return std::nullopt;  // invalid characters
  decoded.resize(written);
  boost::system::error_code ec;
  const auto value = json::parse(decoded, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto& o = value.get_object();
  path_stat stat;
  stat.name = string_at(o, "name");
  stat.size = number_at<std::int64_t>(o, "size").value_or(0);
  stat.mode = number_at<std::uint32_t>(o, "mode").value_or(0);
  stat.is_dir = (stat.mode & go_mode_dir) != 0 || bool_at(o, "isDir");
  stat.is_symlink = (stat.mode & go_mode_symlink) != 0;
  stat.link_target = string_at(o, "linkTarget");
  return stat;
}

}  // namespace sbx::drivers::docker
