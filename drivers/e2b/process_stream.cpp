#include "drivers/e2b/process_stream.hpp"

#include "sbx/errors.hpp"

#include <stdexcept>

namespace sbx::drivers::e2b {
namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw SandboxExecutionError("exec failed: malformed envd stream (" + what + ")", {.backend = "e2b", .op = "exec"});
}

}  // namespace

process_stream::process_stream(http::streamed_response response) : response_(std::move(response)) {}

std::optional<process_event> process_stream::decoded() {
  try {
    while (auto message = decoder_.next()) {
      if (message->end_stream()) {
        ended_ = true;
        error_ = connect::parse_end_stream(message->payload);
        return std::nullopt;
      }
      auto event = parse_process_event(message->payload);
      if (event.type != process_event::kind::unknown) return event;
    }
  } catch (const connect::protocol_error& e) {
    malformed(e.what());
  } catch (const std::invalid_argument& e) {
    malformed(e.what());
  }
  return std::nullopt;
}

boost::asio::awaitable<std::optional<process_event>> process_stream::next() {
  for (;;) {
    if (ended_) co_return std::nullopt;
    if (auto event = decoded()) co_return event;
    if (ended_) co_return std::nullopt;
    const auto chunk = co_await response_.next_chunk();
    if (!chunk) malformed("the body ended without an end-of-stream message");
    decoder_.feed(*chunk);
  }
}

}  // namespace sbx::drivers::e2b
