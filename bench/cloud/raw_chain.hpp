// The capacity baseline of bench_cloud_fanout: the same provider requests a sandbox
// makes through the library, sent by a minimal Beast client (keep-alive connections,
// no pool, no retries, no parsing beyond the sandbox id), on one thread.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sbx_bench {

/// One HTTP request of a sandbox's life.
struct raw_request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// A provider's requests for one sandbox: `create`, then `after_create(answer)` — built
/// from the create answer's body (sandbox id, tokens) — in order: exec, write, read, destroy.
struct raw_protocol {
  raw_request create;
  std::function<std::vector<raw_request>(std::string_view create_answer)> after_create;
};

/// What a raw run did.
struct raw_result {
  std::chrono::nanoseconds wall{};
  std::size_t requests = 0;
  std::size_t failed_sandboxes = 0;  // a transport error or a status >= 400 on the way
};

/// Runs `sandboxes` request chains against http://host:port with `connections`
/// keep-alive connections, each working through sandboxes one after another. Blocks
/// until all are done. Errors: none thrown for failed requests (counted instead);
/// std::system_error when no connection can be made at all.
raw_result run_raw_chains(const std::string& host, unsigned short port, const raw_protocol& protocol,
                          std::size_t sandboxes, std::size_t connections);

}  // namespace sbx_bench
