#include "process/exit_watcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>

#include <cerrno>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

namespace sbx::process {
namespace {

namespace asio = boost::asio;
using asio::posix::stream_descriptor;

constexpr int reaped_elsewhere = 255;

int exit_code_of(int status) {
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int open_pidfd(pid_t pid) {
#if defined(__linux__) && defined(SYS_pidfd_open)
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// True once the child has exited (it is not reaped: WNOWAIT).
bool has_exited(pid_t pid) {
  siginfo_t info{};
  int rc;
  do {
    rc = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
  } while (rc != 0 && errno == EINTR);
  return rc != 0 || info.si_pid != 0;
}

// Waits for the pidfd to become readable. Asio's reactor is edge-triggered, and an
// exit reported to another thread running the reactor just before this wait was
// queued would be lost; so the exit is checked again once the wait is queued, and
// the wait is cancelled when the child is already gone.
template <class Token>
auto async_wait_exit(stream_descriptor& pidfd, pid_t pid, Token&& token) {
  return asio::async_initiate<Token, void(boost::system::error_code)>(
      [&pidfd, pid](auto handler) {
        pidfd.async_wait(stream_descriptor::wait_read, std::move(handler));
        if (has_exited(pid)) pidfd.cancel();
      },
      token);
}

}  // namespace

exit_watcher::exit_watcher(asio::any_io_executor executor, pid_t pid) : executor_(std::move(executor)), pid_(pid) {}

std::optional<int> exit_watcher::try_reap() {
  int status = 0;
  pid_t rc;
  do {
    rc = ::waitpid(pid_, &status, WNOHANG);
  } while (rc < 0 && errno == EINTR);
  if (rc == 0) return std::nullopt;
  if (rc < 0) return reaped_elsewhere;
  return exit_code_of(status);
}

asio::awaitable<int> exit_watcher::wait() {
  for (;;) {
    if (const auto code = try_reap()) co_return *code;
    if (!source_) {
      if (const int fd = open_pidfd(pid_); fd >= 0) {
        source_.emplace(std::in_place_index<0>, executor_, fd);
      } else {
        source_.emplace(std::in_place_index<1>, executor_, SIGCHLD);
        continue;  // an exit before the signal_set existed sent no signal it can see
      }
    }
    if (auto* pidfd = std::get_if<stream_descriptor>(&*source_)) {
      const auto [ec] = co_await async_wait_exit(*pidfd, pid_, asio::as_tuple(asio::deferred));
      if (ec && !has_exited(pid_)) throw boost::system::system_error(ec, "wait for child exit");
    } else {
      co_await std::get<asio::signal_set>(*source_).async_wait(asio::deferred);
    }
  }
}

int reap_blocking(pid_t pid) noexcept {
  int status = 0;
  pid_t rc;
  do {
    rc = ::waitpid(pid, &status, 0);
  } while (rc < 0 && errno == EINTR);
  return rc < 0 ? reaped_elsewhere : exit_code_of(status);
}

}  // namespace sbx::process
