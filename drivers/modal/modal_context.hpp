// What the Modal driver and all its sandboxes share: settings, the control plane and
// the admission limits.
#pragma once

#include "drivers/modal/modal_api.hpp"
#include "drivers/modal/modal_settings.hpp"
#include "http/admission.hpp"

#include <boost/asio/any_io_executor.hpp>

namespace sbx::drivers::modal {

/// Shared state of one Modal client. Used from the client's executor only.
struct modal_context {
  modal_context(boost::asio::any_io_executor executor, modal_settings settings)
      : executor(std::move(executor)),
        settings(std::move(settings)),
        api(this->settings),
        admission(this->settings.knobs.limits) {}

  boost::asio::any_io_executor executor;
  modal_settings settings;
  control_api api;
  http::admission admission;
};

}  // namespace sbx::drivers::modal
