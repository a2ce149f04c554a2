// The Ray exec agent's wire format: exec bodies, frame decoding, listings, errors.
#include "drivers/ray/agent_protocol.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace sbx::drivers::ray;
using sbx::output_stream;

namespace {

std::string frame(std::uint8_t kind, std::string_view payload) {
  std::string out(1, static_cast<char>(kind));
  const auto size = static_cast<std::uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xff);
  out += payload;
  return out;
}

struct collected {
  std::string out;
  std::string err;
  sbx::output_handler handler() {
    return [this](output_stream which, std::string_view chunk) {
      (which == output_stream::std_out ? out : err).append(chunk);
    };
  }
};

}  // namespace

TEST_CASE("frames decode whatever way the stream is split", "[ray]") {
  const auto stream = frame(1, "out\n") + frame(2, std::string("\xff\x00err", 5)) + frame(1, "") +
                      frame(1, "more") + frame(3, R"({"exit_code": 124, "timed_out": true})");
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{7}, stream.size()}) {
    frame_decoder decoder;
    collected got;
    for (std::size_t i = 0; i < stream.size(); i += piece) decoder.feed(std::string_view(stream).substr(i, piece), got.handler());
    CHECK(got.out == "out\nmore");
    CHECK(got.err == std::string("\xff\x00err", 5));
    REQUIRE(decoder.exit());
    CHECK(decoder.exit()->exit_code == 124);
    CHECK(decoder.exit()->timed_out);
  }
}

TEST_CASE("output is handed on before its frame is complete", "[ray]") {
  frame_decoder decoder;
  collected got;
  const auto whole = frame(1, "abcdef");
  decoder.feed(whole.substr(0, 8), got.handler());
  CHECK(got.out == "abc");
  CHECK_FALSE(decoder.exit());
}

TEST_CASE("malformed exec streams are errors", "[ray]") {
  collected got;
  CHECK_THROWS_AS(frame_decoder().feed(frame(9, "x"), got.handler()), sbx::SandboxExecutionError);
  CHECK_THROWS_AS(frame_decoder().feed(frame(3, "{}"), got.handler()), sbx::SandboxExecutionError);
  CHECK_THROWS_AS(frame_decoder().feed(frame(3, ""), got.handler()), sbx::SandboxExecutionError);
  CHECK_THROWS_AS(frame_decoder().feed(frame(3, std::string(5000, ' ')), got.handler()), sbx::SandboxExecutionError);
  CHECK_THROWS_AS(frame_decoder().feed(frame(3, R"({"exit_code": 0, "timed_out": false})") + frame(1, "late"), got.handler()),
                  sbx::SandboxExecutionError);
}

TEST_CASE("the exec body is a JSON line then the raw stdin bytes", "[ray]") {
  sbx::ExecRequest request;
  request.argv = {"printf", "%s", std::string("\xff bytes", 7)};
  request.env = {{"A", "1"}};
  request.cwd = "/w";
  request.timeout = std::chrono::milliseconds(1500);
  request.stdin_data = std::string("in\n\0put", 7);
  const auto body = encode_exec_body("e1", request);
  const auto newline = body.find('\n');
  CHECK(body.substr(newline + 1) == std::string("in\n\0put", 7));
  boost::json::parse_options raw;
  raw.allow_invalid_utf8 = true;
  const auto spec = boost::json::parse(body.substr(0, newline), {}, raw).as_object();
  CHECK(spec.at("id") == "e1");
  CHECK(spec.at("argv").as_array().at(2).as_string() == std::string("\xff bytes", 7));
  CHECK(spec.at("env").at("A") == "1");
  CHECK(spec.at("cwd") == "/w");
  CHECK(spec.at("timeout_ms").as_int64() == 1500);

  sbx::ExecRequest bare;
  bare.argv = {"true"};
  const auto minimal = boost::json::parse(encode_exec_body("e2", bare)).as_object();
  CHECK(minimal.at("cwd").is_null());
  CHECK(minimal.at("timeout_ms").is_null());
}

TEST_CASE("agent targets percent-encode every reserved byte", "[ray]") {
  CHECK(agent_target("/file", "/a b/it's \xc3\xa9?&=%") == "/file?path=%2Fa%20b%2Fit%27s%20%C3%A9%3F%26%3D%25");
  CHECK(agent_target("/kill", "ab12", "id") == "/kill?id=ab12");
}

TEST_CASE("listings become full paths with kinds and sizes", "[ray]") {
  const auto files = parse_file_list(R"([{"name": "a.txt", "is_dir": false, "size": 3},
                                         {"name": "sub", "is_dir": true, "size": null}])", "/w/dir");
  REQUIRE(files.size() == 2);
  CHECK(files[0] == sbx::FileInfo{"/w/dir/a.txt", false, 3});
  CHECK(files[1] == sbx::FileInfo{"/w/dir/sub", true, std::nullopt});
  CHECK(parse_file_list(R"([{"name": "etc", "is_dir": true, "size": null}])", "/")[0].path == "/etc");
  CHECK(parse_file_list("[{\"name\": \"\xff\", \"is_dir\": false, \"size\": 0}]", "/w")[0].path == "/w/\xff");
  CHECK_THROWS_AS(parse_file_list("{}", "/w"), sbx::SandboxExecutionError);
  CHECK_THROWS_AS(parse_file_list(R"([{"name": "x"}])", "/w"), sbx::SandboxExecutionError);
  // Found by fuzz/ray_wire_fuzz: a negative size threw boost::system::system_error.
  CHECK_THROWS_AS(parse_file_list(R"([{"name": "x", "is_dir": false, "size": -1}])", "/w"),
                  sbx::SandboxExecutionError);
}

TEST_CASE("agent errors map to the sbx taxonomy", "[ray]") {
  try {
    throw_agent_error(404, R"({"error": "No such file or directory: /w/x", "kind": "not_found"})", "read_file",
                      {{"path", "/w/x"}});
  } catch (const sbx::SandboxNotFoundError& e) {
    CHECK(e.code() == sbx::errc::not_found);
    CHECK(e.message() == "read_file failed: No such file or directory: /w/x");
    CHECK(e.backend() == "ray");
  }
  CHECK_THROWS_AS(throw_agent_error(409, R"({"error": "Not a directory", "kind": "not_a_directory"})", "list_files", {}),
                  sbx::SandboxExecutionError);
  CHECK_THROWS_WITH(throw_agent_error(502, "<html>", "exec", {}), Catch::Contains("HTTP 502"));
}
