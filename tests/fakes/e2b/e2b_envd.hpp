// What every envd handler of the E2B fake does first: find the sandbox the request is
// for and check its access token, answering like E2B's proxy and envd do when that
// fails. Plus the Connect error answer shared by the unary RPCs.
#pragma once

#include "fakes/e2b/e2b_fake.hpp"

#include <boost/json/object.hpp>

namespace sbx_fake::e2b {

/// The sandbox addressed by `ex` (E2b-Sandbox-Id header, else a "49983-<id>." Host).
/// Throws http_error: 502 {"sandboxId","message":"The sandbox was not found","code":502}
/// when it does not exist, 401 {"code":401,...} when X-Access-Token is missing or wrong.
/// `check_token` false skips the token check (envd's /health needs none).
std::shared_ptr<fake_sandbox> envd_sandbox(const e2b_state& state, const exchange& ex, bool check_token = true);

/// A Connect error answer for a unary RPC (status from the code, JSON body).
http_error connect_error(std::string_view code, std::string message);

/// The JSON body of a unary RPC request. Throws connect_error invalid_argument when it
/// is not a JSON object.
boost::json::object rpc_request(exchange& ex);

}  // namespace sbx_fake::e2b
