// Tensorlake in the contract suite: its loopback fake serves the lifecycle API and
// every sandbox's management API on one port (the sandbox_url it returns).
#include "contract_backend.hpp"

namespace {

constexpr const char* api_key = "tl_contract_test_key";

boost::json::object tensorlake_options(const std::string& url) {
  return {{"api_url", url}, {"api_key", api_key}, {"create_rate", 0}, {"poll_interval_ms", 100}};
}

const bool registered =
    sbx_contract::register_fake_backend("tensorlake", {{"--api-key", api_key}, tensorlake_options});

}  // namespace
