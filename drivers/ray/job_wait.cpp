#include "drivers/ray/job_wait.hpp"

#include "drivers/ray/ray_errors.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace sbx::drivers::ray {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds first_poll{50};
constexpr milliseconds max_poll{500};

awaitable<void> pause(milliseconds& delay) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::use_awaitable);
  delay = std::min(max_poll, delay * 3 / 2);
}

std::string last_line(std::string_view logs) {
  while (!logs.empty() && logs.back() == '\n') logs.remove_suffix(1);
  const auto start = logs.rfind('\n');
  return std::string(logs.substr(start == std::string_view::npos ? 0 : start + 1).substr(0, 300));
}

}  // namespace

awaitable<agent_address> wait_for_agent(const jobs_api& jobs, const std::string& id) {
  for (milliseconds delay = first_poll;; co_await pause(delay)) {
    const auto job = co_await jobs.job(id);
    if (!job) throw SandboxCreationError("the Ray sandbox job vanished while starting", job_error("create", id));
    if (job->status == "PENDING") continue;
    const auto logs = co_await jobs.logs(id);
    if (auto address = parse_ready_line(logs)) co_return std::move(*address);
    if (job->terminal()) {
      const auto line = last_line(logs);
      throw SandboxCreationError("the Ray sandbox job ended while starting (" + job->status + "): " +
                                     job->message.substr(0, 300) + (line.empty() ? "" : " | " + line),
                                 job_error("create", id));
    }
  }
}

awaitable<bool> end_job(const jobs_api& jobs, const std::string& id, milliseconds limit) {
  co_await jobs.stop(id);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (milliseconds delay = first_poll;; co_await pause(delay)) {
    const auto job = co_await jobs.job(id);
    if (!job || job->terminal()) co_return true;
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
  }
}

}  // namespace sbx::drivers::ray
