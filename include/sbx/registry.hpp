// Backend registry: drivers register by name; Client looks them up.
#pragma once

#include "sbx/capabilities.hpp"
#include "sbx/driver.hpp"
#include "sbx/options.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sbx {

using driver_factory = std::function<std::shared_ptr<Driver>(boost::asio::any_io_executor,
                                                             const ClientOptions&)>;

/// A registered backend.
struct BackendInfo {
  std::string name;         // lower case, e.g. "local"
  std::string description;  // one line for `sbx backends`
  Capabilities capabilities;
  driver_factory factory;
};

/// Adds or replaces a backend. Thread-safe.
void register_backend(BackendInfo info);

/// Names of all registered backends, built-in ones first in their documented order.
std::vector<std::string> backend_names();

/// The backend called `name` (trimmed, case-insensitive). Throws
/// SandboxConfigurationError "Unknown backend 'x'. Choose from: a, b, ..." otherwise.
BackendInfo find_backend(std::string_view name);

/// Trims and lower-cases a backend name the way find_backend does.
std::string normalize_backend_name(std::string_view name);

}  // namespace sbx
