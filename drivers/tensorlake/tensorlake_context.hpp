// What the Tensorlake driver and all its sandboxes share: settings, one connection
// pool, the lifecycle API and the admission limits.
#pragma once

#include "drivers/tensorlake/lifecycle_api.hpp"
#include "drivers/tensorlake/tensorlake_settings.hpp"
#include "http/admission.hpp"
#include "http/pool.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace sbx::drivers::tensorlake {

/// Shared state of one Tensorlake client. Used from the client's executor only.
struct tensorlake_context {
  tensorlake_context(boost::asio::any_io_executor executor, tensorlake_settings settings)
      : executor(std::move(executor)),
        settings(std::move(settings)),
        pool(http::make_connection_pool(this->settings.knobs.pool)),
        api(pool, this->settings),
        admission(this->settings.knobs.limits) {}

  boost::asio::any_io_executor executor;
  tensorlake_settings settings;
  std::shared_ptr<http::connection_pool> pool;
  lifecycle_api api;
  http::admission admission;
};

}  // namespace sbx::drivers::tensorlake
