// What the ray driver reads from Ray's JobDetails objects (a pure parser, kept apart
// from the HTTP calls so that the fuzz target needs nothing else).
#pragma once

#include "sbx/types.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace sbx::drivers::ray {

/// What a sandbox needs to know about one submission job.
struct job_info {
  std::string id;      // submission id
  std::string status;  // PENDING, RUNNING, STOPPED, SUCCEEDED or FAILED
  std::string message;
  env_map metadata;    // string values only
  std::optional<std::chrono::system_clock::time_point> end_time;  // set once ended

  /// STOPPED, SUCCEEDED or FAILED: the job will never run again.
  bool terminal() const noexcept;
};

/// A JobDetails object as job_info; nullopt when it is not a submission job.
std::optional<job_info> parse_job_info(const boost::json::object& details);

}  // namespace sbx::drivers::ray
