// libFuzzer target: the Connect envelope decoder, end-of-stream and error bodies, and
// proto3 base64 on arbitrary bytes. Any exception other than connect::protocol_error,
// or a decoded envelope that breaks the framing rules, is a crash.
#include "codecs/connect_envelope.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

namespace connect = sbx::connect;

/// Feeds `data` in pieces whose sizes come from the data itself and checks every
/// envelope against the framing rules.
void decode_in_pieces(std::string_view data) {
  connect::envelope_decoder decoder(1 << 16);
  std::size_t total = 0;
  try {
    for (std::size_t at = 0; at < data.size();) {
      const std::size_t piece = 1 + static_cast<unsigned char>(data[at]) % 17;
      decoder.feed(data.substr(at, piece));
      at += piece;
      while (auto e = decoder.next()) {
        if (e->flags & ~connect::flag_end_stream) __builtin_trap();
        if (e->payload.size() > (1u << 16)) __builtin_trap();
        total += connect::envelope_header_size + e->payload.size();
        if (e->end_stream()) (void)connect::parse_end_stream(e->payload);
      }
    }
  } catch (const connect::protocol_error&) {
    return;
  }
  if (total + decoder.buffered() != data.size()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  decode_in_pieces(data);
  (void)connect::error_from_response(static_cast<unsigned>(size % 600), data);
  if (const auto decoded = connect::decode_base64(data)) {
    if (connect::decode_base64(connect::encode_base64(*decoded)) != decoded) __builtin_trap();
  }
  return 0;
}
