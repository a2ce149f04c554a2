// Modal in the contract suite: its loopback fake serves Modal's gRPC services on a port
// of its own, which GET /_fake/modal on the fake's control URL names.
#if SBX_WITH_MODAL
#include "contract_backend.hpp"

#include "fakes/common/fake_launcher.hpp"

#include <boost/json/parse.hpp>

namespace {

constexpr const char* token_id = "ak-contract-test";
constexpr const char* token_secret = "as-contract-test-secret";

boost::json::object modal_options(const std::string& control_url) {
  const auto info = boost::json::parse(sbx_fake::plain_request(control_url, "GET", "/_fake/modal").body);
  return {{"server_url", info.at("grpc_url")}, {"token_id", token_id}, {"token_secret", token_secret},
          {"create_rate", 0}};
}

const bool registered = sbx_contract::register_fake_backend(
    "modal", {{"--token-id", token_id, "--token-secret", token_secret}, modal_options});

}  // namespace
#endif
