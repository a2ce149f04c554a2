// SessionState JSON round trip and malformed input.
#include "sbx/errors.hpp"
#include "sbx/types.hpp"

#include <catch2/catch.hpp>

using namespace sbx;

TEST_CASE("session state round-trips through JSON", "[session_state]") {
  const SessionState state{"docker", {{"container_id", "abc"}, {"n", 3}}};
  const auto back = SessionState::from_json(state.to_json());
  CHECK(back.backend == "docker");
  CHECK(back.data == state.data);
}

TEST_CASE("malformed session state is a configuration error naming the problem", "[session_state]") {
  CHECK_THROWS_WITH(SessionState::from_json("{"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(SessionState::from_json("[]"), Catch::Contains("must be a JSON object"));
  CHECK_THROWS_WITH(SessionState::from_json(R"({"data":{}})"), Catch::Contains("'backend' is missing"));
  CHECK_THROWS_WITH(SessionState::from_json(R"({"backend":"x","data":1})"), Catch::Contains("'data' must be an object"));
  CHECK_THROWS_AS(SessionState::from_json("\xff\xfe"), SandboxConfigurationError);
}
