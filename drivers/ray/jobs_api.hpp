// Ray's Job Submission REST API (the dashboard, port 8265), as far as sandboxes need it.
#pragma once

#include "drivers/ray/agent_package.hpp"
#include "drivers/ray/job_info.hpp"
#include "http/client.hpp"
#include "sbx/types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sbx::drivers::ray {

template <class T>
using awaitable = boost::asio::awaitable<T>;

/// Calls on one Ray dashboard. Every call honours Asio cancellation (the request is
/// abandoned) and throws SandboxConnectionError / SandboxTimeoutError for transport
/// failures (see http::client); other errors are named per call. Not thread-safe.
class jobs_api {
 public:
  /// `address` is the dashboard URL ("http://127.0.0.1:8265"); `auth_token`, when set,
  /// is sent as "Authorization: Bearer" (Ray's token authentication) and never shown.
  jobs_api(std::shared_ptr<http::connection_pool> pool, const std::string& address,
           std::optional<std::string> auth_token);

  const std::string& address() const noexcept { return address_; }

  /// GET /api/version. Errors: SandboxConnectionError naming the address when the
  /// dashboard does not answer or is not a Ray Jobs API.
  awaitable<void> check_version() const;

  /// Makes sure the cluster holds `package` (GET, which also pins it for a while; PUT
  /// when missing). Errors: SandboxConnectionError when it cannot be stored.
  awaitable<void> ensure_package(const agent_package& package) const;

  /// POST /api/jobs/ with `request` (which names its submission_id). A retried submit
  /// that finds its own id already taken counts as done. Errors: SandboxCreationError
  /// with Ray's text.
  awaitable<void> submit(const boost::json::object& request) const;

  /// GET /api/jobs/{id}; nullopt when Ray does not know the job.
  awaitable<std::optional<job_info>> job(const std::string& id) const;

  /// GET /api/jobs/{id}/logs: the job's whole log so far ("" when unknown or not yet
  /// started).
  awaitable<std::string> logs(const std::string& id) const;

  /// POST /api/jobs/{id}/stop. A job that is unknown or already ended is not an error.
  awaitable<void> stop(const std::string& id) const;

  /// DELETE /api/jobs/{id}: forgets an ended job. Unknown jobs are not an error. Only
  /// safe a while after the job ended: Ray re-creates the record of a job deleted before
  /// its supervisor actor's exit was noticed (as FAILED, without metadata).
  awaitable<void> remove(const std::string& id) const;

  /// GET /api/jobs/: every submission job the cluster remembers.
  awaitable<std::vector<job_info>> list() const;

 private:
  awaitable<http::response> send(http::request request) const;
  [[noreturn]] void fail(const http::response& response, const char* op, const std::string& id) const;

  std::string address_;
  http::client client_;
  std::optional<std::string> auth_token_;
};

}  // namespace sbx::drivers::ray
