#include "drivers/docker/api_version.hpp"

#include "sbx/errors.hpp"

#include <algorithm>
#include <charconv>

namespace sbx::drivers::docker {
namespace {

bool parse_int(std::string_view text, int& out) {
  if (text.empty() || text.size() > 4) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

}  // namespace

std::string api_version::to_string() const { return std::to_string(major) + "." + std::to_string(minor); }

std::string api_version::prefix() const { return "/v" + to_string(); }

std::optional<api_version> parse_api_version(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  api_version v;
  if (!parse_int(text.substr(0, dot), v.major) || !parse_int(text.substr(dot + 1), v.minor)) return std::nullopt;
  return v;
}

engine_facts negotiate_version(const http::fields& ping_headers) {
  engine_facts facts;
  const auto server = ping_headers.get("Server").value_or("");
  if (ping_headers.contains("Libpod-API-Version") || server.find("Libpod") != std::string_view::npos)
    facts.flavor = engine_flavor::podman;
  const auto advertised = parse_api_version(ping_headers.get("Api-Version").value_or(""));
  if (!advertised) {
    facts.version = min_api_version;
    return facts;
  }
  if (*advertised < min_api_version)
    throw BackendNotInstalledError("The Docker daemon speaks Engine API " + advertised->to_string() +
                                       "; the docker backend needs " + min_api_version.to_string() +
                                       " or later (Docker 19.03+, Podman 2+)",
                                   {.backend = "docker", .op = "start"});
  facts.version = std::min(*advertised, max_api_version);
  return facts;
}

}  // namespace sbx::drivers::docker
