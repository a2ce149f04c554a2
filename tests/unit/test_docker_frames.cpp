// Docker's multiplexed stream decoder (I/O-free).
#include "codecs/docker_frames.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using sbx::codecs::docker_frame_decoder;
using sbx::codecs::docker_frame_error;
using sbx::codecs::docker_stream;

namespace {

std::string frame(std::uint8_t type, const std::string& payload) {
  const auto n = static_cast<std::uint32_t>(payload.size());
  std::string out{static_cast<char>(type), 0, 0, 0, static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                  static_cast<char>(n >> 8), static_cast<char>(n)};
  return out + payload;
}

struct collected {
  std::string out, err, system;
  std::size_t pieces = 0;
  std::size_t empty_pieces = 0;   // must stay 0
  std::size_t unconsumed = 0;     // reads not used up by next(); must stay 0
};

// Feeds `stream` to a decoder in reads of `step` bytes.
collected decode(const std::string& stream, std::size_t step) {
  docker_frame_decoder decoder;
  collected c;
  for (std::size_t at = 0; at < stream.size(); at += step) {
    std::string_view input = std::string_view(stream).substr(at, step);
    while (const auto piece = decoder.next(input)) {
      ++c.pieces;
      if (piece->data.empty()) ++c.empty_pieces;
      switch (piece->stream) {
        case docker_stream::std_in:
        case docker_stream::std_out: c.out += piece->data; break;
        case docker_stream::std_err: c.err += piece->data; break;
        case docker_stream::system_error: c.system += piece->data; break;
      }
    }
    if (!input.empty()) ++c.unconsumed;
  }
  decoder.finish();
  CHECK(c.empty_pieces == 0);
  CHECK(c.unconsumed == 0);
  return c;
}

}  // namespace

TEST_CASE("docker frames: stdout and stderr are demultiplexed in order", "[docker][frames]") {
  const auto stream = frame(1, "out1\nabc") + frame(2, "err\n") + frame(1, "more") + frame(3, "daemon failed");
  const auto c = decode(stream, stream.size());
  CHECK(c.out == "out1\nabcmore");
  CHECK(c.err == "err\n");
  CHECK(c.system == "daemon failed");
}

TEST_CASE("docker frames: any split across reads gives the same bytes", "[docker][frames]") {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
  const auto stream = frame(1, binary) + frame(2, "e") + frame(1, std::string(70000, 'x')) + frame(2, binary);
  for (const std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{8}, std::size_t{9},
                                 std::size_t{4096}, stream.size()}) {
    const auto c = decode(stream, step);
    CHECK(c.out == binary + std::string(70000, 'x'));
    CHECK(c.err == "e" + binary);
  }
}

TEST_CASE("docker frames: zero-length frames produce nothing", "[docker][frames]") {
  const auto stream = frame(1, "") + frame(2, "") + frame(1, "a") + frame(1, "");
  for (const std::size_t step : {std::size_t{1}, std::size_t{5}, stream.size()}) {
    const auto c = decode(stream, step);
    CHECK(c.out == "a");
    CHECK(c.err.empty());
    CHECK(c.pieces == 1);
  }
}

TEST_CASE("docker frames: a huge declared frame is streamed, never buffered", "[docker][frames]") {
  docker_frame_decoder decoder;
  std::string header{1, 0, 0, 0, '\xff', '\xff', '\xff', '\xff'};  // 4 GiB - 1
  std::string_view input = header;
  CHECK_FALSE(decoder.next(input).has_value());
  const std::string chunk(1 << 20, 'z');
  std::uint64_t delivered = 0;
  for (int i = 0; i < 8; ++i) {
    std::string_view piece_input = chunk;
    const auto piece = decoder.next(piece_input);
    REQUIRE(piece.has_value());
    CHECK(piece->stream == docker_stream::std_out);
    CHECK(piece->data.data() == chunk.data());  // a view of the input, not a copy
    delivered += piece->data.size();
  }
  CHECK(delivered == 8u << 20);
  CHECK_FALSE(decoder.at_boundary());
  CHECK_THROWS_AS(decoder.finish(), docker_frame_error);
}

TEST_CASE("docker frames: a garbage header is a clear error", "[docker][frames]") {
  for (const std::string garbage : {std::string("HTTP/1.1 200 OK\r\n"), std::string("\x05\0\0\0\0\0\0\x01", 8),
                                    std::string("\x01\x01\0\0\0\0\0\x01", 8)}) {
    docker_frame_decoder decoder;
    std::string_view input = garbage;
    try {
      while (decoder.next(input)) {
      }
      FAIL("no error for a garbage header");
    } catch (const docker_frame_error& e) {
      CHECK_THAT(e.what(), Catch::Contains("malformed Docker stream"));
    }
    std::string_view more = "x";
    CHECK_THROWS_AS(decoder.next(more), docker_frame_error);  // unusable afterwards
  }
}

TEST_CASE("docker frames: a stream cut inside a frame is reported at finish", "[docker][frames]") {
  const auto whole = frame(1, "hello");
  for (const std::size_t cut : {std::size_t{3}, std::size_t{8}, std::size_t{10}}) {
    docker_frame_decoder decoder;
    std::string_view input = std::string_view(whole).substr(0, cut);
    while (decoder.next(input)) {
    }
    CHECK_THROWS_WITH(decoder.finish(), Catch::Contains("truncated Docker stream"));
  }
  docker_frame_decoder complete;
  std::string_view input = whole;
  while (complete.next(input)) {
  }
  CHECK(complete.at_boundary());
  CHECK_NOTHROW(complete.finish());
}
