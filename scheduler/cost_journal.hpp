// The cost journal: meter events as JSON lines, appended as they happen (internal).
//
// Lines: {"event":"open","meter":M,"id":N,"t_ns":T,"candidate","backend","sandbox_id",
// "cpu","memory_mb","disk_mb"?,"labels",{"price"},"lifetime_secs"?}, then
// {"event":"exec"|"close","meter":M,"id":N,"t_ns":T}. M names one CostMeter, so several
// runs can append to one file; T is nanoseconds since the Unix epoch.
#pragma once

#include "meter_entry.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace sbx::scheduler {

/// Appends events to a journal file; each line is flushed when written.
class cost_journal_writer {
 public:
  /// Errors: SandboxConfigurationError when `file` cannot be opened for appending.
  cost_journal_writer(const std::filesystem::path& file, std::string meter);

  void opened(std::uint64_t id, const meter_entry& entry);
  void exec(std::uint64_t id, std::chrono::system_clock::time_point at);
  void closed(std::uint64_t id, std::chrono::system_clock::time_point at);

 private:
  void write(const boost::json::object& event);

  std::ofstream out_;
  std::string meter_;
};

}  // namespace sbx::scheduler
