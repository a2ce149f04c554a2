#include "drivers/ray/agent_ready.hpp"

#include "drivers/ray/ray_errors.hpp"

#include <boost/json/parse.hpp>

namespace sbx::drivers::ray {
namespace {

[[noreturn]] void malformed(std::string_view why) {
  throw SandboxCreationError("the Ray sandbox agent reported an unusable address: " + std::string(why),
                             ray_error("create"));
}

std::string absolute_path(const boost::json::object& ready, std::string_view key) {
  const auto* value = ready.if_contains(key);
  if (!value || !value->is_string() || !value->get_string().starts_with("/"))
    malformed("'" + std::string(key) + "' must be an absolute path");
  return std::string(value->get_string());
}

}  // namespace

std::string agent_address::url() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<agent_address> parse_ready_line(std::string_view logs) {
  std::size_t at = 0;
  while (!logs.substr(at).starts_with(ready_marker)) {
    at = logs.find('\n', at);
    if (at == std::string_view::npos) return std::nullopt;
    ++at;
  }
  auto line = logs.substr(at + ready_marker.size());
  const auto end = line.find('\n');
  if (end == std::string_view::npos) return std::nullopt;  // still being written
  line = line.substr(0, end);

  boost::system::error_code ec;
  const auto value = boost::json::parse(line, ec);
  if (ec || !value.is_object()) malformed("not a JSON object");
  const auto& ready = value.get_object();
  agent_address address;
  const auto* host = ready.if_contains("host");
  if (!host || !host->is_string() || host->get_string().empty()) malformed("'host' must be a non-empty string");
  address.host = std::string(host->get_string());
  const auto* port = ready.if_contains("port");
  if (!port || !port->is_int64() || port->get_int64() <= 0 || port->get_int64() > 65535)
    malformed("'port' must be a TCP port number");
  address.port = static_cast<std::uint16_t>(port->get_int64());
  address.workdir = absolute_path(ready, "workdir");
  address.scratch = absolute_path(ready, "scratch");
  return address;
}

}  // namespace sbx::drivers::ray
