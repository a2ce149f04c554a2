// Everything the Modal driver is configured with, from ClientOptions::driver_options
// and the environment variables of Modal's own SDKs.
//
// driver_options keys (all optional):
//   "token_id", "token_secret"  credentials; else $MODAL_TOKEN_ID / $MODAL_TOKEN_SECRET
//   "server_url"     control plane; else $MODAL_SERVER_URL, else https://api.modal.com:443
//                    (http:// means plaintext, for loopback fakes)
//   "environment"    Modal environment; else $MODAL_ENVIRONMENT, else the workspace default
//   "app_name"       app when CreateOptions::app_name is unset; default "sbx"
//   "image"          registry image when CreateOptions::image is unset; default
//                    "python:3.12-slim"
//   "image_builder_version"  else $MODAL_IMAGE_BUILDER_VERSION, else "2024.10"
//   "workdir"        the sandbox directory relative paths start from; default "/root"
//   plus the cloud knobs of detail::read_cloud_knobs (admission limits, retries,
//   "request_timeout_ms" = deadline of one unary call).
#pragma once

#include "cloud_settings.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace sbx::drivers::modal {

/// Resolved settings of one Modal client.
struct modal_settings {
  std::string token_id;      // a secret: never logged, never put into errors
  std::string token_secret;  // a secret: never logged, never put into errors
  std::string server_url = "https://api.modal.com:443";
  std::string environment;
  std::string app_name = "sbx";
  std::string image = "python:3.12-slim";
  std::string image_builder_version = "2024.10";
  std::string workdir = "/root";
  detail::cloud_knobs knobs;

  /// The values that must never appear in errors or logs.
  std::vector<std::string> secrets() const { return {token_id, token_secret}; }
};

/// Settings from `driver_options` over the environment over the defaults. Throws
/// SandboxConfigurationError naming a key of the wrong type. Missing credentials are
/// not an error here (see require_credentials).
modal_settings load_settings(const boost::json::object& driver_options, const detail::env_lookup& env);

/// Throws SandboxConfigurationError when the token id or secret is missing.
void require_credentials(const modal_settings& settings);

}  // namespace sbx::drivers::modal
