// The floor for local sandboxes: plain posix_spawn + waitpid, no library.
#pragma once

#include <chrono>
#include <cstddef>

namespace sbx::bench {

/// How a baseline run went.
struct spawn_baseline_result {
  std::size_t succeeded = 0;  // exited 0
  std::size_t failed = 0;
  std::chrono::nanoseconds wall{};
};

/// What the baseline does with each child's output.
inline constexpr const char* spawn_baseline_output = "stdout and stderr piped, drained after exit";

/// Runs `/bin/sh -c 'echo <i>'` for i in [0, count) with posix_spawn, keeping up to
/// `concurrency` children in flight and reaping them with waitpid(-1). Each child's
/// stdout and stderr go to pipes that are read to the end once it exited, as the
/// library reads them. Run it while this process has no other children: waitpid(-1)
/// would reap them too. Errors: std::system_error when pipes or spawns fail.
spawn_baseline_result run_spawn_baseline(std::size_t count, std::size_t concurrency);

}  // namespace sbx::bench
