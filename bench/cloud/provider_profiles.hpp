// The cloud providers bench_cloud_fanout can target: how to start each fake, the driver
// options that point the library at it, and — where one is written — the same
// requests as raw HTTP for the capacity baseline.
#pragma once

#include "cloud/raw_chain.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbx_bench {

/// One provider's fake and client settings.
struct provider_profile {
  std::vector<std::string> fake_args;
  boost::json::object (*driver_options)(const std::string& fake_url);
  std::optional<raw_protocol> raw;  // none: the ratio is taken against the latency floor only
  /// Requests the fake has served so far; null: the "requests" of GET /_fake/stats (the
  /// HTTP fakes). Modal's fake counts its gRPC calls apart.
  std::uint64_t (*served_requests)(const std::string& fake_url) = nullptr;
};

/// The sandbox's work in every profile: exec `command`, write `content` to `path`, read it.
struct sandbox_work {
  std::string command;
  std::string path;
  std::string content;
};

/// The profile of `provider` ("e2b", "daytona", "tensorlake", "modal"). Errors:
/// std::invalid_argument naming the known providers.
provider_profile profile_for(const std::string& provider, const sandbox_work& work);

}  // namespace sbx_bench
