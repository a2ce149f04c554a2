#include "drivers/docker/requests.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <cstdint>

namespace sbx::drivers::docker {

namespace {

std::string percent_encode(std::string_view value, std::string_view keep) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~' ||
                            keep.find(ch) != std::string_view::npos;
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

}  // namespace

std::string query_value(std::string_view value) { return percent_encode(value, ""); }

std::string image_path(std::string_view reference) { return percent_encode(reference, "/:@"); }

image_reference split_image_reference(std::string_view reference) {
  if (reference.find('@') != std::string_view::npos) return {std::string(reference), ""};
  const auto colon = reference.rfind(':');
  const auto slash = reference.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
    return {std::string(reference.substr(0, colon)), std::string(reference.substr(colon + 1))};
  return {std::string(reference), "latest"};
}

std::string pull_target(const image_reference& image) {
  std::string target = "/images/create?fromImage=" + query_value(image.repository);
  if (!image.tag.empty()) target += "&tag=" + query_value(image.tag);
  return target;
}

std::vector<std::string> keep_alive_entrypoint(int lifetime_secs) {
  return {"/bin/sh", "-c", "trap 'exit 0' TERM; sleep " + std::to_string(lifetime_secs) + " & wait"};
}

boost::json::array env_list(const env_map& env) {
  boost::json::array out;
  for (const auto& [name, value] : env) out.emplace_back(name + "=" + value);
  return out;
}

void merge_json(boost::json::object& base, const boost::json::object& overlay) {
  for (const auto& [key, value] : overlay) {
    auto* existing = base.if_contains(key);
    if (existing && existing->is_object() && value.is_object()) {
      merge_json(existing->as_object(), value.as_object());
    } else {
      base[key] = value;
    }
  }
}

boost::json::object create_body(const container_spec& spec) {
  boost::json::array entrypoint;
  for (auto& word : keep_alive_entrypoint(spec.lifetime_secs)) entrypoint.emplace_back(word);
  boost::json::object labels;
  for (const auto& [key, value] : spec.labels) labels[key] = value;
  boost::json::object host{
      {"NanoCpus", static_cast<std::int64_t>(std::llround(spec.cpu * 1e9))},
      {"Memory", static_cast<std::int64_t>(spec.memory_mb) * 1024 * 1024},
      {"AutoRemove", true},
  };
  if (!spec.allow_internet) host["NetworkMode"] = "none";
  boost::json::object body{
      {"Image", spec.image},
      {"Entrypoint", std::move(entrypoint)},
      {"Cmd", boost::json::array{}},
      {"Env", env_list(spec.env)},
      {"WorkingDir", spec.workdir},
      {"Labels", std::move(labels)},
      {"Tty", false},
      {"OpenStdin", false},
      {"HostConfig", std::move(host)},
  };
  merge_json(body, spec.backend_options);
  return body;
}

boost::json::object exec_create_body(const std::vector<std::string>& argv, const env_map& env,
                                     std::string_view cwd, bool attach_stdin) {
  boost::json::array cmd;
  for (const auto& word : argv) cmd.emplace_back(word);
  boost::json::object body{
      {"AttachStdin", attach_stdin},
      {"AttachStdout", true},
      {"AttachStderr", true},
      {"Tty", false},
      {"Cmd", std::move(cmd)},
      {"Env", env_list(env)},
  };
  if (!cwd.empty()) body["WorkingDir"] = cwd;
  return body;
}

std::string list_by_label_target(std::string_view key, std::string_view value) {
  boost::json::object filters{
      {"label", boost::json::array{boost::json::string(std::string(key) + "=" + std::string(value))}}};
  return "/containers/json?all=1&filters=" + query_value(boost::json::serialize(filters));
}

}  // namespace sbx::drivers::docker
