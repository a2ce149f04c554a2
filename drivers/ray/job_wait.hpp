// Waiting on sandbox jobs: until the agent is ready, and until a stopped job is gone.
#pragma once

#include "drivers/ray/agent_ready.hpp"
#include "drivers/ray/jobs_api.hpp"

#include <chrono>
#include <string>

namespace sbx::drivers::ray {

/// Polls job `id` (status, then its log once RUNNING; every 50 ms growing to 500 ms)
/// until the agent's readiness line appears. No deadline of its own: the caller's
/// create timeout cancels it. Errors: SandboxCreationError when the job ends or
/// vanishes first (with Ray's message and the log's last line), or when the line is
/// malformed; transport errors as jobs_api. Cancellation: supported.
awaitable<agent_address> wait_for_agent(const jobs_api& jobs, const std::string& id);

/// Stops job `id` and waits up to `limit` for Ray to report it ended (its agent kills
/// the sandbox's processes and removes its directory on the way out). The job's record
/// stays (see jobs_api::remove); a sweep forgets it later. Returns false when the job
/// was still running at `limit`. Errors: as jobs_api. Cancellation: supported (the job
/// may then be left stopping).
awaitable<bool> end_job(const jobs_api& jobs, const std::string& id,
                        std::chrono::milliseconds limit = std::chrono::seconds(20));

}  // namespace sbx::drivers::ray
