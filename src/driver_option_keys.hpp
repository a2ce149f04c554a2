// Refusing ClientOptions::driver_options keys that a backend does not read, so that a
// misspelt key is an error instead of silently falling back to its default.
#pragma once

#include <boost/json/object.hpp>

#include <initializer_list>
#include <span>
#include <string_view>

namespace sbx::detail {

/// The driver option keys one backend (or one shared part of it) reads.
using option_keys = std::span<const std::string_view>;

/// Throws SandboxConfigurationError (backend `backend`) when `driver_options` holds a
/// key that is in none of `known`: the message names the unknown key and lists the
/// valid ones. Values are never shown (they may be secrets).
void reject_unknown_driver_options(const boost::json::object& driver_options, std::string_view backend,
                                   std::initializer_list<option_keys> known);

}  // namespace sbx::detail
