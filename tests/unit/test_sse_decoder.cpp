// The SSE decoder: the WHATWG event-stream rules (line ends, fields, comments, BOM,
// dispatch) and the same events whatever the read boundaries.
#include "codecs/sse_decoder.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace std::string_literals;

using sbx::codecs::sse_decoder;
using sbx::codecs::sse_event;

namespace {

std::vector<sse_event> decode(std::string_view stream, std::size_t piece = 0) {
  sse_decoder decoder;
  std::vector<sse_event> out;
  if (piece == 0) piece = stream.size() ? stream.size() : 1;
  for (std::size_t at = 0; at < stream.size(); at += piece) {
    decoder.feed(stream.substr(at, piece));
    while (auto e = decoder.next()) out.push_back(std::move(*e));
  }
  decoder.finish();
  while (auto e = decoder.next()) out.push_back(std::move(*e));
  return out;
}

}  // namespace

TEST_CASE("sse: data lines make one event per blank line, type message by default", "[sse]") {
  const auto events = decode("data: {\"pid\": 1}\n\ndata: a\ndata: b\n\n");
  REQUIRE(events.size() == 2);
  CHECK(events[0].event == "message");
  CHECK(events[0].data == "{\"pid\": 1}");
  CHECK(events[1].data == "a\nb");
}

TEST_CASE("sse: CRLF, LF and CR all end lines, also when split between reads", "[sse]") {
  const std::string stream = "event: output\r\ndata: x\r\rdata: y\n\ndata: z\r\n\r\n";
  for (const std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{0}}) {
    const auto events = decode(stream, piece);
    REQUIRE(events.size() == 3);
    CHECK(events[0].event == "output");
    CHECK(events[0].data == "x");
    CHECK(events[1].event == "message");
    CHECK(events[1].data == "y");
    CHECK(events[2].data == "z");
  }
}

TEST_CASE("sse: one leading space is dropped, a field without colon has an empty value", "[sse]") {
  const auto events = decode("data:no space\ndata:  two\ndata\n\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == "no space\n two\n");
}

TEST_CASE("sse: comments and unknown fields are ignored; no data, no event", "[sse]") {
  const auto events = decode(": heartbeat\n\nfoo: bar\n\nevent: eof\n\n");
  CHECK(events.empty());
}

TEST_CASE("sse: an empty data field still dispatches an event", "[sse]") {
  const auto events = decode("event: eof\ndata\n\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "eof");
  CHECK(events[0].data.empty());
}

TEST_CASE("sse: id persists across events and ignores values with NUL; retry needs digits", "[sse]") {
  const auto events = decode("id: 7\nretry: 1500\ndata: a\n\nid: x\0y\nretry: 9z\ndata: b\n\nid\ndata: c\n\n"s);
  REQUIRE(events.size() == 3);
  CHECK(events[0].id == "7");
  CHECK(events[0].retry == 1500u);
  CHECK(events[1].id == "7");
  CHECK(events[1].retry == 1500u);
  CHECK(events[2].id.empty());
}

TEST_CASE("sse: a leading BOM is skipped, even split byte by byte; later ones are data", "[sse]") {
  const std::string stream = "\xEF\xBB\xBF" "data: \xEF\xBB\xBFx\n\n";
  for (const std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{0}}) {
    const auto events = decode(stream, piece);
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == "\xEF\xBB\xBFx");
  }
  const auto not_bom = decode("\xEF" "data: q\n\n");
  CHECK(not_bom.empty());  // the first line is "\xEF" "data: q": an unknown field
}

TEST_CASE("sse: an event not ended by a blank line is discarded at the end", "[sse]") {
  const auto events = decode("data: complete\n\ndata: cut");
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == "complete");
}

TEST_CASE("sse: events are the same for every split of a stream", "[sse]") {
  const std::string stream =
      "\xEF\xBB\xBF: hi\r\nevent: output\r\ndata: {\"line\":\"a\"}\r\n\r\ndata: 1\rdata: 2\r\r"
      "id: 3\ndata\n\nretry: 10\ndata: last\n\n";
  const auto whole = decode(stream);
  REQUIRE(whole.size() == 4);
  for (std::size_t piece = 1; piece < stream.size(); ++piece) CHECK(decode(stream, piece) == whole);
}
