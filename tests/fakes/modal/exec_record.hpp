// One command of the Modal fake, as its router keeps it: output addressed by byte
// offset (a read can start or resume anywhere, even after the exit), stdin position,
// and the exit code. Written by the io_context, read by gRPC threads.
#pragma once

#include "fakes/common/fake_process.hpp"

#include <grpcpp/server_context.h>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sbx_fake::modal {

class exec_record {
 public:
  /// Appends output of stream `fd` (0 stdout, 1 stderr).
  void append(int fd, std::string_view data);
  /// Records the exit: both streams end.
  void finish(int exit_code);

  /// Waits until stream `fd` has bytes after `offset` or ended; returns up to `limit`
  /// of them (empty at the end). nullopt when `call` is cancelled first.
  std::optional<std::string> read(grpc::ServerContext* call, int fd, std::uint64_t offset, std::size_t limit);
  /// Waits for the exit code; nullopt when `call` is cancelled or `patience` passes.
  std::optional<int> wait(grpc::ServerContext* call, std::chrono::milliseconds patience);

  /// The running command (io_context only; null for the fake's own helpers).
  std::shared_ptr<fake_process> process;
  /// For a helper that consumes stdin (fs-tools WriteFile): runs at stdin EOF.
  std::function<void(const std::string& input)> on_input_end;
  /// Stdin received so far (helpers only) and whether EOF was sent (guarded by lock()).
  std::string input;
  std::uint64_t input_offset = 0;
  bool input_closed = false;
  std::unique_lock<std::mutex> lock() { return std::unique_lock(mutex_); }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::array<std::string, 2> output_;
  std::optional<int> exit_code_;
};

}  // namespace sbx_fake::modal
