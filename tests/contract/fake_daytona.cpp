// Daytona in the contract suite: its loopback fake serves the REST API under /api and
// every sandbox's toolbox under /toolbox (the URL its sandbox objects report).
#include "contract_backend.hpp"

namespace {

constexpr const char* api_key = "daytona_contract_test_key";

boost::json::object daytona_options(const std::string& url) {
  return {{"api_url", url + "/api"}, {"api_key", api_key}, {"create_rate", 0}};
}

const bool registered = sbx_contract::register_fake_backend("daytona", {{"--api-key", api_key}, daytona_options});

}  // namespace
