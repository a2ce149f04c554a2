#include "drivers/modal/grpc_channel.hpp"

#include "sbx/errors.hpp"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <fstream>
#include <sstream>

namespace sbx::drivers::modal {
namespace {

constexpr const char* system_roots = "/etc/ssl/certs/ca-certificates.crt";

// The system CA bundle, or empty (grpc then uses its own roots).
const std::string& system_root_certificates() {
  static const std::string roots = [] {
    std::ifstream in(system_roots, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }();
  return roots;
}

}  // namespace

channel_target parse_channel_url(const std::string& url) {
  channel_target target;
  std::string rest = url;
  if (rest.starts_with("https://")) {
    rest = rest.substr(8);
  } else if (rest.starts_with("http://")) {
    rest = rest.substr(7);
    target.tls = false;
  } else if (rest.find("://") != std::string::npos) {
    throw SandboxConfigurationError("Modal server URL must start with https:// or http://",
                                    {.backend = "modal", .op = "start", .context = {{"url", url}}});
  }
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty() || rest.front() == ':')
    throw SandboxConfigurationError("Modal server URL has no host", {.backend = "modal", .op = "start", .context = {{"url", url}}});
  const bool bracketed_v6 = rest.front() == '[';
  const auto colon = rest.rfind(':');
  const bool has_port = colon != std::string::npos && (!bracketed_v6 || colon > rest.find(']'));
  target.authority = has_port ? rest : rest + (target.tls ? ":443" : ":80");
  return target;
}

std::shared_ptr<grpc::Channel> make_channel(const std::string& url) {
  const auto target = parse_channel_url(url);
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(max_message_bytes);
  args.SetMaxSendMessageSize(max_message_bytes);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10'000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (target.tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = system_root_certificates();
    credentials = grpc::SslCredentials(ssl);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  return grpc::CreateCustomChannel(target.authority, credentials, args);
}

}  // namespace sbx::drivers::modal
