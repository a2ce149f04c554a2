// libFuzzer target: the SSE decoder on arbitrary bytes. The input is decoded whole and
// again in pieces whose sizes come from the data itself; the two must give the same
// events (the decoder's result never depends on how the stream was split), and every
// event must obey the format's rules. Any difference or exception is a crash.
#include "codecs/sse_decoder.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace {

using sbx::codecs::sse_decoder;
using sbx::codecs::sse_event;

std::vector<sse_event> drain(sse_decoder& decoder, std::vector<sse_event> out) {
  while (auto event = decoder.next()) out.push_back(std::move(*event));
  return out;
}

std::vector<sse_event> decode_whole(std::string_view data) {
  sse_decoder decoder;
  decoder.feed(data);
  decoder.finish();
  return drain(decoder, {});
}

std::vector<sse_event> decode_in_pieces(std::string_view data, unsigned salt) {
  sse_decoder decoder;
  std::vector<sse_event> out;
  for (std::size_t at = 0; at < data.size();) {
    const std::size_t piece = (static_cast<unsigned char>(data[at]) + salt) % 7;  // 0: an empty feed
    decoder.feed(data.substr(at, piece));
    at += piece;
    if (piece == 0) {
      decoder.feed(data.substr(at, 1));
      ++at;
    }
    out = drain(decoder, std::move(out));
  }
  decoder.finish();
  return drain(decoder, std::move(out));
}

void check_rules(const std::vector<sse_event>& events) {
  for (const auto& e : events) {
    if (e.event.empty()) __builtin_trap();
    for (const std::string* field : {&e.event, &e.id}) {
      if (field->find('\n') != std::string::npos || field->find('\r') != std::string::npos) __builtin_trap();
    }
    if (e.id.find('\0') != std::string::npos) __builtin_trap();
    if (e.data.find('\r') != std::string::npos) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  const auto whole = decode_whole(data);
  check_rules(whole);
  if (decode_in_pieces(data, 0) != whole) __builtin_trap();
  if (decode_in_pieces(data, 3) != whole) __builtin_trap();
  return 0;
}
