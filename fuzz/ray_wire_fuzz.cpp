// libFuzzer target: what the ray driver reads from Ray and from its exec agent, on
// arbitrary bytes: JobDetails JSON (parse_job_info), the agent's readiness line, its
// directory listing, and its exec response frames fed whole and in pieces of 1-16 bytes
// (the first byte picks the size). Any exception other than the documented sbx error of
// each reader, a result that breaks its promise, or a different decoding of the frames
// between the two feedings, is a crash.
#include "drivers/ray/agent_protocol.hpp"
#include "drivers/ray/agent_ready.hpp"
#include "drivers/ray/job_info.hpp"
#include "sbx/errors.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace ray = sbx::drivers::ray;

void check_job_info(std::string_view input) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(input, ec);
  if (ec || !value.is_object()) return;
  (void)ray::parse_job_info(value.get_object());
}

void check_ready_line(std::string_view input) {
  try {
    if (const auto address = ray::parse_ready_line(input)) {
      if (address->host.empty() || address->port == 0 || !address->workdir.starts_with("/") ||
          !address->scratch.starts_with("/"))
        __builtin_trap();
    }
  } catch (const sbx::SandboxCreationError&) {
  }
}

void check_file_list(std::string_view input) {
  try {
    for (const auto& file : ray::parse_file_list(input, "/work"))
      if (!file.path.starts_with("/work/")) __builtin_trap();
  } catch (const sbx::SandboxExecutionError&) {
  }
}

// Every output byte tagged with its stream, then the exit status or "!" for a rejected
// stream: independent of where the reads split the bytes.
std::string decode_frames(std::string_view input, std::size_t step) {
  ray::frame_decoder decoder;
  std::string out;
  const sbx::output_handler collect = [&](sbx::output_stream stream, std::string_view piece) {
    if (piece.empty()) __builtin_trap();
    for (const char c : piece) {
      out += stream == sbx::output_stream::std_out ? 'o' : 'e';
      out += c;
    }
  };
  try {
    for (std::size_t at = 0; at < input.size(); at += step) decoder.feed(input.substr(at, step), collect);
  } catch (const sbx::SandboxExecutionError&) {
    return out + '!';
  }
  if (const auto& exit = decoder.exit()) out += "exit " + std::to_string(exit->exit_code) + (exit->timed_out ? "t" : "");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_job_info(input);
  check_ready_line(input);
  check_file_list(input);
  if (size > 0) {
    const std::size_t step = 1 + data[0] % 16;
    const auto frames = input.substr(1);
    if (decode_frames(frames, frames.size() + 1) != decode_frames(frames, step)) __builtin_trap();
  }
  return 0;
}
