// libFuzzer target: Docker's multiplexed stream decoder on arbitrary bytes, fed whole and
// in reads of 1-16 bytes (the first input byte picks the size). Any exception other
// than docker_frame_error, an empty piece, a piece outside its read, or a different
// result between the two feedings is a crash.
#include "codecs/docker_frames.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using sbx::codecs::docker_frame_decoder;
using sbx::codecs::docker_frame_error;

// Every payload byte tagged with its stream ("<type><byte>"), so piece boundaries,
// which depend on the reads, do not matter; "!" ends a rejected stream.
std::string decode(std::string_view input, std::size_t step) {
  docker_frame_decoder decoder;
  std::string out;
  try {
    for (std::size_t at = 0; at < input.size(); at += step) {
      std::string_view read = input.substr(at, step);
      const char* const begin = read.data();
      const char* const end = begin + read.size();
      while (const auto piece = decoder.next(read)) {
        if (piece->data.empty() || piece->data.data() < begin || piece->data.data() + piece->data.size() > end)
          __builtin_trap();
        for (const char c : piece->data) {
          out += static_cast<char>(piece->stream);
          out += c;
        }
      }
      if (!read.empty()) __builtin_trap();
    }
    decoder.finish();
  } catch (const docker_frame_error&) {
    out += '!';
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0] % 16;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (decode(input, input.size() + 1) != decode(input, step)) __builtin_trap();
  return 0;
}
