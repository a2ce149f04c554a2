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

/// ray_error with the context {"job_id": id}. Coroutines use this (and other plain
/// functions) instead of braced lists: GCC 12 mishandles initializer lists and braced
/// temporaries in coroutine frames.
inline error_info job_error(std::string op, const std::string& id) {
  return ray_error(std::move(op), {{"job_id", id}});
}

}  // namespace sbx::drivers::ray
