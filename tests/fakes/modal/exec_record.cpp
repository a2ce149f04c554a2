#include "fakes/modal/exec_record.hpp"

namespace sbx_fake::modal {
namespace {

constexpr auto poll = std::chrono::milliseconds(50);

}  // namespace

void exec_record::append(int fd, std::string_view data) {
  {
    std::lock_guard lock(mutex_);
    output_[fd].append(data);
  }
  changed_.notify_all();
}

void exec_record::finish(int exit_code) {
  {
    std::lock_guard lock(mutex_);
    exit_code_ = exit_code;
  }
  changed_.notify_all();
}

std::optional<std::string> exec_record::read(grpc::ServerContext* call, int fd, std::uint64_t offset, std::size_t limit) {
  std::unique_lock lock(mutex_);
  while (output_[fd].size() <= offset && !exit_code_) {
    if (call->IsCancelled()) return std::nullopt;
    changed_.wait_for(lock, poll);
  }
  if (offset >= output_[fd].size()) return std::string();
  return output_[fd].substr(offset, limit);
}

std::optional<int> exec_record::wait(grpc::ServerContext* call, std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  std::unique_lock lock(mutex_);
  while (!exit_code_) {
    if (call->IsCancelled() || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    changed_.wait_for(lock, poll);
  }
  return exit_code_;
}

}  // namespace sbx_fake::modal
