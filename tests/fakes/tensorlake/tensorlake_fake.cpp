#include "fakes/tensorlake/tensorlake_fake.hpp"

#include <boost/json/serialize.hpp>

namespace sbx_fake::tensorlake {

http_error api_error(unsigned status, std::string message, std::string code) {
  boost::json::object body{{"error", std::move(message)}};
  if (!code.empty()) body["code"] = std::move(code);
  return http_error(status, boost::json::serialize(body));
}

void authenticate(const tensorlake_state& state, const exchange& ex) {
  const auto header = ex.header("Authorization");
  constexpr std::string_view prefix = "Bearer ";
  const auto token = header.substr(0, prefix.size()) == prefix ? header.substr(prefix.size()) : std::string_view();
  if (token.empty() || (!state.options.api_key.empty() && token != state.options.api_key))
    throw api_error(401, "Unauthorized", "UNAUTHORIZED");
}

std::filesystem::path file_path(const fake_sandbox& sandbox, const std::string& path) {
  if (auto host = sandbox.paths().writable(path)) return *host;
  return sandbox.dir() / "rootfs" / path.substr(1);
}

fake_definition tensorlake_definition() {
  fake_definition definition{.name = "tensorlake", .layout = {.home = "/root", .private_dirs = {"/root", "/tmp"}}};
  definition.options.add_options()
      ("api-key", boost::program_options::value<std::string>()->default_value(""),
       "the only bearer token accepted (default: any non-empty token)");
  definition.install = [](fake_context& fake) {
    auto state = std::make_shared<tensorlake_state>(tensorlake_state{
        .registry = fake.registry,
        .options = {.api_key = fake.options["api-key"].as<std::string>()},
        .snapshot_root = fake.registry.root() / "snapshots",
    });
    add_lifecycle(fake.server.routes(), state);
    add_management(fake.server.routes(), state);
  };
  return definition;
}

}  // namespace sbx_fake::tensorlake
