// E2B in bench_cloud_fanout: the driver options that point the library at the fake, and
// the same requests as raw HTTP for the capacity baseline.
#pragma once

#include "cloud/raw_chain.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace sbx_bench {

/// The API key the fake is started with.
inline constexpr const char* e2b_bench_key = "e2b_bench_key";

/// Driver options for the e2b backend against the fake at `url`.
boost::json::object e2b_driver_options(const std::string& url);

/// create, exec `command`, write `content` to `path`, read it back, destroy — what the
/// driver sends for these operations, as raw requests.
raw_protocol e2b_raw_protocol(const std::string& command, const std::string& path, const std::string& content);

}  // namespace sbx_bench
