#include "http/message.hpp"

namespace sbx::http {

bool is_idempotent(const request& req) noexcept {
  if (req.idempotent) return *req.idempotent;
  switch (req.method) {
    case verb::get:
    case verb::head:
    case verb::put:
    case verb::delete_:
    case verb::options:
    case verb::trace: return true;
    default: return false;
  }
}

}  // namespace sbx::http
