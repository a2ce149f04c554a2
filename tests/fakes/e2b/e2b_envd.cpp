#include "fakes/e2b/e2b_envd.hpp"

#include "codecs/connect_envelope.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sbx_fake::e2b {
namespace {

// The sandbox id in a Host such as "49983-abc.e2b.app" or "49983-abc.localhost:8080".
std::string id_from_host(std::string_view host) {
  const auto dash = host.find('-');
  const auto dot = host.find('.');
  if (dash == std::string_view::npos || dot == std::string_view::npos || dash > dot) return {};
  return std::string(host.substr(dash + 1, dot - dash - 1));
}

}  // namespace

std::shared_ptr<fake_sandbox> envd_sandbox(const e2b_state& state, const exchange& ex, bool check_token) {
  std::string id(ex.header("E2b-Sandbox-Id"));
  if (id.empty()) id = id_from_host(ex.header("Host"));
  auto sandbox = state.registry.find(id);
  if (!sandbox) {
    throw http_error(502, boost::json::serialize(boost::json::object{
                              {"sandboxId", id}, {"message", "The sandbox was not found"}, {"code", 502}}));
  }
  const auto* token = sandbox->settings().attributes.if_contains("envdAccessToken");
  if (check_token && token && ex.header("X-Access-Token") != token->as_string())
    throw http_error(401, R"({"code":401,"message":"invalid access token"})");
  return sandbox;
}

http_error connect_error(std::string_view code, std::string message) {
  const sbx::connect::error e{.code = std::string(code), .message = std::move(message)};
  return http_error(sbx::connect::status_for_code(code), sbx::connect::error_json(e));
}

boost::json::object rpc_request(exchange& ex) {
  boost::system::error_code ec;
  auto value = boost::json::parse(ex.body(), ec);
  if (ec || !value.is_object()) throw connect_error("invalid_argument", "request body is not a JSON object");
  return std::move(value.as_object());
}

}  // namespace sbx_fake::e2b
