// What a Sandbox handle shares with the operations running on it.
#pragma once

#include "sbx/driver.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace sbx::detail {

struct sandbox_state {
  std::string backend;
  std::shared_ptr<Driver> driver;  // keeps the driver (and its connections) alive
  std::unique_ptr<SandboxSession> session;
  boost::asio::any_io_executor executor;
  std::optional<std::chrono::milliseconds> default_exec_timeout;
  std::optional<bool> has_tar;  // probed once by upload_dir/download_dir
  bool destroy_requested = false;
};

}  // namespace sbx::detail
