// What the Daytona driver and all its sandboxes share: settings, one connection pool,
// the REST API and the admission limits.
#pragma once

#include "drivers/daytona/control_api.hpp"
#include "drivers/daytona/daytona_settings.hpp"
#include "http/admission.hpp"
#include "http/pool.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace sbx::drivers::daytona {

/// Shared state of one Daytona client. Used from the client's executor only.
struct daytona_context {
  daytona_context(boost::asio::any_io_executor executor, daytona_settings settings)
      : executor(std::move(executor)),
        settings(std::move(settings)),
        pool(http::make_connection_pool(this->settings.knobs.pool)),
        api(pool, this->settings),
        admission(this->settings.knobs.limits) {}

  boost::asio::any_io_executor executor;
  daytona_settings settings;
  std::shared_ptr<http::connection_pool> pool;
  control_api api;
  http::admission admission;
};

}  // namespace sbx::drivers::daytona
