// Runs a fake as a child process for tests and benchmarks: starts the program, learns
// its URL from the "listening on" line, talks to its control API, stops it at the end.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace sbx_fake {

/// A fake program running until this object is destroyed.
class fake_launcher {
 public:
  /// Starts `program` with `args` and --exit-with-stdin (stdout read for the URL, stderr
  /// inherited, stdin a pipe held open by this object, so the fake also stops when this
  /// process dies without cleaning up) and waits up to ten seconds for it to listen.
  /// Throws std::runtime_error when it cannot be started or exits first.
  fake_launcher(std::string program, std::vector<std::string> args);
  /// Stops the fake (SIGTERM, then SIGKILL after five seconds) and reaps it.
  ~fake_launcher();
  fake_launcher(const fake_launcher&) = delete;
  fake_launcher& operator=(const fake_launcher&) = delete;

  /// "http://127.0.0.1:<port>".
  const std::string& url() const noexcept { return url_; }
  pid_t pid() const noexcept { return pid_; }

  /// GET /_fake/stats. Throws std::runtime_error on failure.
  boost::json::object stats() const;
  /// The whole-number entry `key` of stats() (a request counter, say).
  std::uint64_t counter(const char* key) const;
  /// The live sandbox count from stats().
  std::size_t live_sandboxes() const;
  /// POST /_fake/faults with `faults` (see fault_config). Throws on a non-200 answer.
  void set_faults(const boost::json::object& faults) const;

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  std::string url_;
};

/// One blocking HTTP/1.1 exchange with `url` (http only): the status and body.
struct plain_response {
  unsigned status = 0;
  std::string body;
};
/// Sends `method target` with `body` and `headers` to `url` and reads the whole answer.
/// Throws boost::system::system_error when the server cannot be reached.
plain_response plain_request(const std::string& url, const std::string& method, const std::string& target,
                             const std::string& body = {},
                             const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace sbx_fake
