#include "fakes/e2b/e2b_fake.hpp"

namespace sbx_fake::e2b {

fake_definition e2b_definition() {
  fake_definition definition{.name = "e2b", .layout = {.home = "/home/user", .private_dirs = {"/home/user", "/tmp"}}};
  definition.options.add_options()
      ("api-key", boost::program_options::value<std::string>()->default_value(""),
       "the only X-API-Key accepted (default: any non-empty key)")
      ("envd-version", boost::program_options::value<std::string>()->default_value("0.5.7"),
       "envd version reported for every sandbox");
  definition.install = [](fake_context& fake) {
    auto state = std::make_shared<e2b_state>(e2b_state{
        .registry = fake.registry,
        .options = {.api_key = fake.options["api-key"].as<std::string>(),
                    .envd_version = fake.options["envd-version"].as<std::string>()},
    });
    add_control_plane(fake.server.routes(), state);
    add_process_service(fake.server.routes(), state);
    add_filesystem_service(fake.server.routes(), state);
  };
  return definition;
}

}  // namespace sbx_fake::e2b
