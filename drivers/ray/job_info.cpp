#include "drivers/ray/job_info.hpp"

#include <cstdint>

namespace sbx::drivers::ray {

bool job_info::terminal() const noexcept {
  return status == "STOPPED" || status == "SUCCEEDED" || status == "FAILED";
}

// Ray's end_time is milliseconds since the epoch; a value past what a system_clock
// time_point holds (about year 2262 at nanosecond resolution) is no time, and is ignored.
constexpr std::int64_t max_end_time_ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::duration::max()).count();

std::optional<job_info> parse_job_info(const boost::json::object& details) {
  const auto* id = details.if_contains("submission_id");
  const auto* status = details.if_contains("status");
  if (!id || !id->is_string() || !status || !status->is_string()) return std::nullopt;
  job_info info{.id = std::string(id->get_string()), .status = std::string(status->get_string())};
  if (const auto* message = details.if_contains("message"); message && message->is_string())
    info.message = std::string(message->get_string());
  if (const auto* end = details.if_contains("end_time"); end && end->is_int64() && end->get_int64() > 0 &&
                                                       end->get_int64() <= max_end_time_ms)
    info.end_time = std::chrono::system_clock::time_point(std::chrono::milliseconds(end->get_int64()));
  if (const auto* metadata = details.if_contains("metadata"); metadata && metadata->is_object()) {
    for (const auto& [key, value] : metadata->get_object())
      if (value.is_string()) info.metadata[std::string(key)] = std::string(value.get_string());
  }
  return info;
}

}  // namespace sbx::drivers::ray
