// E2B in the contract suite: its loopback fake serves both the control plane and envd.
#include "contract_backend.hpp"

namespace {

constexpr const char* api_key = "e2b_contract_test_key";

boost::json::object e2b_options(const std::string& url) {
  return {{"api_url", url}, {"envd_url", url}, {"api_key", api_key}, {"create_rate", 0}};
}

const bool registered = sbx_contract::register_fake_backend("e2b", {{"--api-key", api_key}, e2b_options});

}  // namespace
