#include "cloud/provider_profiles.hpp"

#include "cloud/e2b_protocol.hpp"
#include "fakes/common/fake_launcher.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>

namespace sbx_bench {
namespace {

namespace json = boost::json;

constexpr const char* daytona_key = "daytona_bench_key";
constexpr const char* tensorlake_key = "tensorlake_bench_key";
constexpr const char* modal_token_id = "ak-bench";
constexpr const char* modal_token_secret = "as-bench-secret";

json::object daytona_options(const std::string& url) {
  return {{"api_url", url + "/api"}, {"api_key", daytona_key}};
}

json::object tensorlake_options(const std::string& url) {
  return {{"api_url", url}, {"api_key", tensorlake_key}};
}

// The Modal fake serves gRPC on a second port, named by its control API.
json::object modal_options(const std::string& control_url) {
  const auto info = json::parse(sbx_fake::plain_request(control_url, "GET", "/_fake/modal").body);
  return {{"server_url", info.at("grpc_url")}, {"token_id", modal_token_id}, {"token_secret", modal_token_secret}};
}

// The gRPC calls the Modal fake has served.
std::uint64_t modal_calls(const std::string& control_url) {
  const auto info = json::parse(sbx_fake::plain_request(control_url, "GET", "/_fake/modal").body);
  return info.at("calls").to_number<std::uint64_t>();
}

}  // namespace

provider_profile profile_for(const std::string& provider, const sandbox_work& work) {
  if (provider == "e2b")
    return {{"--api-key", e2b_bench_key}, e2b_driver_options, e2b_raw_protocol(work.command, work.path, work.content)};
  if (provider == "daytona") return {{"--api-key", daytona_key}, daytona_options, std::nullopt};
  if (provider == "tensorlake") return {{"--api-key", tensorlake_key}, tensorlake_options, std::nullopt};
  if (provider == "modal")
    return {{"--token-id", modal_token_id, "--token-secret", modal_token_secret}, modal_options, std::nullopt, modal_calls};
  throw std::invalid_argument("unknown provider '" + provider + "' (known: e2b, daytona, tensorlake, modal)");
}

}  // namespace sbx_bench
