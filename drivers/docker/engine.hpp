// The connection to one Docker (or Podman) daemon: HTTP client over its socket, the
// negotiated API version, and the admission limits every sandbox of a driver shares.
#pragma once

#include "drivers/docker/api_version.hpp"
#include "drivers/docker/engine_errors.hpp"
#include "http/admission.hpp"
#include "http/client.hpp"
#include "sbx/driver.hpp"

#include <boost/json/object.hpp>

#include <initializer_list>
#include <optional>
#include <string>

namespace sbx::drivers::docker {

/// Settings read from ClientOptions::driver_options (see docker_driver.hpp).
struct engine_settings {
  std::string url;                          // daemon_url()
  http::admission_limits limits;
  std::optional<std::string> registry_auth; // X-Registry-Auth value (base64url JSON)
};

/// Admission defaults for a local daemon: creates are the daemon's bottleneck (overlay
/// mounts, network setup), execs are cheap but each holds a connection, destroys never
/// wait behind either.
http::admission_limits default_limits();

/// One daemon. Not thread-safe: use from the driver's executor.
class engine {
 public:
  explicit engine(engine_settings settings);

  /// Pings the daemon (GET /_ping, unversioned) and fixes the API version and flavor.
  /// Errors: SandboxConnectionError naming the address when nothing answers,
  /// BackendNotInstalledError for a daemon too old. Cancellation: as http::client.
  awaitable<void> negotiate();

  const engine_facts& facts() const noexcept { return facts_; }
  bool is_podman() const noexcept { return facts_.flavor == engine_flavor::podman; }
  http::admission& admission() noexcept { return admission_; }
  const std::optional<std::string>& registry_auth() const noexcept { return settings_.registry_auth; }

  /// Sends `req` with the version prefix put before its target ("/containers/x/json"
  /// becomes "/v1.41/containers/x/json") and returns the whole response; error statuses
  /// are returned. Errors and cancellation: as http::client::send.
  awaitable<http::response> send(http::request req) const;
  /// As send(), returning once the header has arrived (pulls, archive downloads).
  awaitable<http::streamed_response> open_stream(http::request req) const;
  /// As send(), taking the connection over after 101/2xx (exec start).
  awaitable<http::hijacked_stream> upgrade(http::request req) const;

 private:
  engine_settings settings_;
  http::client client_;
  engine_facts facts_;
  http::admission admission_;
};

/// A request whose body is `body` as JSON (Content-Type application/json).
http::request json_request(http::verb method, std::string target, const boost::json::object& body,
                           std::string op);
/// A request without a body.
http::request plain_request(http::verb method, std::string target, std::string op);

/// Returns normally when `status` is one of `expected`, else throws as
/// throw_engine_error(status, body, op, kind, context).
void expect_status(unsigned status, std::string_view body, std::initializer_list<unsigned> expected,
                   const std::string& op, failure_kind kind, error_context context = {});

}  // namespace sbx::drivers::docker
