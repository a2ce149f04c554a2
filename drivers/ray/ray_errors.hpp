// The backend name and error fields shared by the ray driver's files.
#pragma once

#include "sbx/errors.hpp"

#include <string>

namespace sbx::drivers::ray {

inline const std::string backend_name = "ray";

/// backend "ray", `op` and `context` for an sbx error.
inline error_info ray_error(std::string op, error_context context = {}) {
  return {.backend = backend_name, .op = std::move(op), .context = std::move(context)};
}

}  // namespace sbx::drivers::ray
