// What a ray driver shares with its sandboxes: the connection pool, the Jobs API,
// admission limits and the agent package.
#pragma once

#include "drivers/ray/agent_package.hpp"
#include "drivers/ray/jobs_api.hpp"
#include "http/admission.hpp"
#include "http/pool.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace sbx::drivers::ray {

struct ray_context {
  std::shared_ptr<http::connection_pool> pool;
  jobs_api jobs;
  http::admission admission;
  agent_package package;
  std::optional<std::string> root;  // driver option "root": node directory of sandboxes
  // When the package was last confirmed present (an upload's pin lasts ~10 minutes).
  std::optional<std::chrono::steady_clock::time_point> package_checked;
};

}  // namespace sbx::drivers::ray
