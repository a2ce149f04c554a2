// What the E2B driver and all its sandboxes share: settings, one connection pool, the
// control plane and the admission limits.
#pragma once

#include "drivers/e2b/control_api.hpp"
#include "drivers/e2b/e2b_settings.hpp"
#include "http/admission.hpp"
#include "http/pool.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace sbx::drivers::e2b {

/// Shared state of one E2B client. Used from the client's executor only.
struct e2b_context {
  e2b_context(boost::asio::any_io_executor executor, e2b_settings settings)
      : executor(std::move(executor)),
        settings(std::move(settings)),
        pool(http::make_connection_pool(this->settings.pool)),
        api(pool, this->settings),
        admission(this->settings.limits) {}

  boost::asio::any_io_executor executor;
  e2b_settings settings;
  std::shared_ptr<http::connection_pool> pool;
  control_api api;
  http::admission admission;
};

}  // namespace sbx::drivers::e2b
