#include "driver_option_keys.hpp"

#include "sbx/errors.hpp"

#include <algorithm>
#include <string>

namespace sbx::detail {

void reject_unknown_driver_options(const boost::json::object& driver_options, std::string_view backend,
                                   std::initializer_list<option_keys> known) {
  const auto is_known = [&known](std::string_view key) {
    return std::any_of(known.begin(), known.end(),
                       [key](option_keys keys) { return std::find(keys.begin(), keys.end(), key) != keys.end(); });
  };
  for (const auto& entry : driver_options) {
    if (is_known(entry.key())) continue;
    std::string valid;
    for (const auto keys : known)
      for (const auto key : keys) valid += (valid.empty() ? "" : ", ") + std::string(key);
    throw SandboxConfigurationError(std::string(backend) + " driver options: unknown key '" +
                                        std::string(entry.key()) + "' (valid keys: " +
                                        (valid.empty() ? "none" : valid) + ")",
                                    {.backend = std::string(backend)});
  }
}

}  // namespace sbx::detail
