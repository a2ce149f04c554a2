// The Connect envelope codec: framing, reassembly across reads, end-of-stream status,
// refused flags, error bodies and the base64 of proto3 bytes fields.
#include "codecs/connect_envelope.hpp"

#include <catch2/catch.hpp>

using namespace sbx::connect;

namespace {

std::string header(std::uint8_t flags, std::uint32_t size) {
  std::string out;
  out.push_back(static_cast<char>(flags));
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xff));
  return out;
}

}  // namespace

TEST_CASE("connect: an envelope is a flags byte, a big-endian length and the payload", "[connect]") {
  CHECK(make_envelope("{}") == header(0, 2) + "{}");
  CHECK(make_envelope("", flag_end_stream) == header(2, 0));
  const std::string big(70000, 'x');
  CHECK(make_envelope(big).substr(0, 5) == header(0, 70000));
}

TEST_CASE("connect: envelopes are reassembled from arbitrary read boundaries", "[connect]") {
  const std::string wire = make_envelope(R"({"a":1})") + make_envelope(std::string(1000, 'y')) +
                           make_envelope("{}", flag_end_stream);
  for (const std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{5}, std::size_t{7}, wire.size()}) {
    envelope_decoder decoder;
    std::vector<envelope> got;
    for (std::size_t at = 0; at < wire.size(); at += piece) {
      decoder.feed(std::string_view(wire).substr(at, piece));
      while (auto e = decoder.next()) got.push_back(std::move(*e));
    }
    REQUIRE(got.size() == 3);
    CHECK(got[0].payload == R"({"a":1})");
    CHECK(got[1].payload == std::string(1000, 'y'));
    CHECK(got[2].end_stream());
    CHECK(decoder.finished());
    CHECK(decoder.buffered() == 0);
  }
}

TEST_CASE("connect: a partial envelope waits for more bytes", "[connect]") {
  envelope_decoder decoder;
  decoder.feed(header(0, 4) + "ab");
  CHECK_FALSE(decoder.next());
  CHECK(decoder.buffered() == 7);
  decoder.feed("cd");
  const auto e = decoder.next();
  REQUIRE(e);
  CHECK(e->payload == "abcd");
  CHECK_FALSE(e->end_stream());
}

TEST_CASE("connect: the end-of-stream message carries success or an error", "[connect]") {
  CHECK_FALSE(parse_end_stream("{}"));
  CHECK_FALSE(parse_end_stream(R"({"metadata":{"x":["1"]}})"));
  const auto e = parse_end_stream(R"({"error":{"code":"deadline_exceeded","message":"context deadline exceeded"}})");
  REQUIRE(e);
  CHECK(*e == error{"deadline_exceeded", "context deadline exceeded"});
  const auto no_code = parse_end_stream(R"({"error":{"message":"boom"}})");
  REQUIRE(no_code);
  CHECK(no_code->code == "unknown");
  CHECK_THROWS_AS(parse_end_stream("not json"), protocol_error);
  CHECK_THROWS_AS(parse_end_stream(R"({"error":"flat"})"), protocol_error);
  CHECK(end_stream_json(std::nullopt) == "{}");
  CHECK(parse_end_stream(end_stream_json(error{"not_found", "gone"})) == error{"not_found", "gone"});
}

TEST_CASE("connect: a compressed message is refused", "[connect]") {
  envelope_decoder decoder;
  decoder.feed(header(flag_compressed, 2) + "{}");
  CHECK_THROWS_WITH(decoder.next(), Catch::Contains("compressed"));
}

TEST_CASE("connect: garbage is a clear protocol error", "[connect]") {
  SECTION("unknown flags") {
    envelope_decoder decoder;
    decoder.feed("<html>");
    CHECK_THROWS_WITH(decoder.next(), Catch::Contains("unknown flags"));
  }
  SECTION("a length beyond the limit") {
    envelope_decoder decoder(1024);
    decoder.feed(header(0, 4096));
    CHECK_THROWS_WITH(decoder.next(), Catch::Contains("exceeds the limit"));
  }
  SECTION("bytes after the end of the stream") {
    envelope_decoder decoder;
    decoder.feed(make_envelope("{}", flag_end_stream) + "x");
    CHECK(decoder.next());
    CHECK_THROWS_WITH(decoder.next(), Catch::Contains("after its end-of-stream"));
  }
}

TEST_CASE("connect: error answers map to codes the way E2B's SDK reads them", "[connect]") {
  CHECK(error_from_response(404, R"({"code":"not_found","message":"file not found"})") ==
        error{"not_found", "file not found"});
  // A proxy's answer has an integer code: it counts as the HTTP status.
  CHECK(error_from_response(200, R"({"sandboxId":"x","message":"The sandbox was not found","code":502})") ==
        error{"unavailable", "The sandbox was not found"});
  CHECK(error_from_response(429, "Too Many Requests") == error{"resource_exhausted", "Too Many Requests"});
  CHECK(error_from_response(504, "") == error{"deadline_exceeded", "HTTP 504"});
  CHECK(error_from_response(418, "") .code == "unknown");
  CHECK(status_for_code("not_found") == 404);
  CHECK(status_for_code("deadline_exceeded") == 504);
  CHECK(status_for_code("made_up") == 500);
  CHECK(code_for_status(401) == "unauthenticated");
}

TEST_CASE("connect: bytes fields are standard padded base64", "[connect]") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  CHECK(encode_base64("hi\n") == "aGkK");
  CHECK(encode_base64("a") == "YQ==");
  CHECK(decode_base64(encode_base64(all)) == all);
  CHECK(decode_base64("YQ") == "a");
  CHECK(decode_base64("") == "");
  CHECK_FALSE(decode_base64("a$b="));
  CHECK_FALSE(decode_base64("YQ==="));
  CHECK_FALSE(decode_base64("Y"));
}
