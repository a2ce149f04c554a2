// JSON object extraction rules (pure, no sandbox).
#include "sbx/structured.hpp"

#include <catch2/catch.hpp>

using sbx::json_object_candidates;

TEST_CASE("the whole stdout wins when it is an object", "[structured]") {
  const auto c = json_object_candidates("  {\"a\": 1}\n");
  REQUIRE(c.size() == 1);
  CHECK(c[0].at("a").as_int64() == 1);
}

TEST_CASE("the first fenced block is next", "[structured]") {
  const auto c = json_object_candidates("text\n```json\n{\"a\": 2}\n```\n```\n{\"a\": 3}\n```");
  REQUIRE(c.size() == 1);
  CHECK(c[0].at("a").as_int64() == 2);
}

TEST_CASE("then every top-level balanced object, braces in strings ignored", "[structured]") {
  const auto c = json_object_candidates(R"(say {"s": "}{", "n": {"k": 1}} then {"b": 2} and {broken)");
  REQUIRE(c.size() == 2);
  CHECK(c[0].at("s").as_string() == "}{");
  CHECK(c[1].at("b").as_int64() == 2);
}

TEST_CASE("arrays and scalars are not objects", "[structured]") {
  CHECK(json_object_candidates("[1, 2]").empty());
  CHECK(json_object_candidates("42").empty());
  CHECK(json_object_candidates("").empty());
}

TEST_CASE("hostile input stays linear: a megabyte of open braces", "[structured]") {
  CHECK(json_object_candidates(std::string(1 << 20, '{')).empty());
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "{\"k\": " + std::to_string(i) + "} ";
  CHECK(json_object_candidates(many).size() == 100000);
}
