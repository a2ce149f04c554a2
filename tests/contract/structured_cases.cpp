// The original's return-type tests (test_return_type), on every backend.
#include "fixture.hpp"

#include "sbx/structured.hpp"

#include <boost/describe/class.hpp>

using namespace sbx_contract;
using sbx::Sandbox;

namespace contract_types {
struct Point {
  int x = 0;
  int y = 0;
};
BOOST_DESCRIBE_STRUCT(Point, (), (x, y))

struct Stats {
  double mean = 0;
  int count = 0;
  std::optional<std::string> note;
};
BOOST_DESCRIBE_STRUCT(Stats, (), (mean, count, note))
}  // namespace contract_types

using contract_types::Point;
using contract_types::Stats;

TEST_CASE("exec_as parses the whole stdout, fences and surrounding text", "[contract][structured]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const auto p = co_await sb.exec_as<Point>("echo '{\"x\": 1, \"y\": 2, \"extra\": true}'");
    CHECK(p.x == 1);
    CHECK(p.y == 2);
    const auto fenced = co_await sb.run_code_as<Point>("print('here:\\n```json\\n{\"x\": 3, \"y\": 4}\\n```')");
    CHECK(fenced.x == 3);
    const auto surrounded = co_await sb.run_code_as<Stats>(
        "print('result is {\"mean\": 2.5, \"count\": 4} and done')");
    CHECK(surrounded.mean == 2.5);
    CHECK(surrounded.count == 4);
    CHECK_FALSE(surrounded.note);
  });
}

TEST_CASE("exec_as reports failures as the original did", "[contract][structured]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    try {
      co_await sb.exec_as<Point>("echo bad >&2; exit 3");
      FAIL("no error");
    } catch (const sbx::CommandFailedError& e) {
      CHECK(e.exit_code() == 3);
      CHECK(e.std_err() == "bad\n");
    }
    AWAIT_CHECK(co_await throws<sbx::SandboxExecutionError>(sb.exec_as<Point>("echo not json")));
    try {
      co_await sb.exec_as<Point>("echo '{\"x\": 1}'");
      FAIL("no error");
    } catch (const sbx::SandboxExecutionError& e) {
      CHECK(std::string(e.what()).find("missing field 'y'") != std::string::npos);
    }
    try {
      co_await sb.exec_as<Point>("echo '{\"x\": \"one\", \"y\": 2}'");
      FAIL("no error");
    } catch (const sbx::SandboxExecutionError& e) {
      CHECK(std::string(e.what()).find("field 'x'") != std::string::npos);
    }
  });
}

TEST_CASE("schema injection appends the field description to the last argument", "[contract][structured]") {
  if (skip_unavailable()) return;
  CHECK(sbx::json_schema<Stats>() ==
        "Return ONLY a JSON object with these fields: mean (float), count (int), note (str, optional).");
  const sbx::argv command{"python3", "-c", "import sys; print(sys.argv[1]); print('{\"x\": 5, \"y\": 6}')",
                         "prompt:"};
  with_sandbox([&](Sandbox& sb) -> awaitable<void> {
    const auto p = co_await sb.exec_as<Point>(command, {}, true);
    CHECK(p.x == 5);
  });
}
