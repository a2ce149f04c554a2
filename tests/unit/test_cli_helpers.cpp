// Pure helpers of the sbx command-line tool: percentiles, command words, --env and
// cp path arguments, table layout.
#include "cli/command_args.hpp"
#include "cli/fanout/command_words.hpp"
#include "cli/fanout/latency_stats.hpp"
#include "cli/path_mapping.hpp"
#include "cli/sandbox_flags.hpp"
#include "cli/text_table.hpp"

#include <catch2/catch.hpp>

#include <stdlib.h>

#include <chrono>
#include <vector>

using namespace std::chrono_literals;
using sbx::cli::usage_error;

namespace {

std::vector<std::chrono::nanoseconds> one_to(int n) {
  std::vector<std::chrono::nanoseconds> samples;
  for (int i = n; i >= 1; --i) samples.push_back(std::chrono::milliseconds(i));  // unsorted
  return samples;
}

}  // namespace

TEST_CASE("latency percentiles use the nearest rank", "[cli]") {
  const auto stats = sbx::fanout::summarize_latencies(one_to(100));
  CHECK(stats.count == 100);
  CHECK(stats.p50 == 50ms);
  CHECK(stats.p95 == 95ms);
  CHECK(stats.p99 == 99ms);
  CHECK(stats.max == 100ms);

  const auto single = sbx::fanout::summarize_latencies({7ms});
  CHECK(single.p50 == 7ms);
  CHECK(single.p99 == 7ms);

  const auto few = sbx::fanout::summarize_latencies(one_to(3));
  CHECK(few.p50 == 2ms);
  CHECK(few.p95 == 3ms);
}

TEST_CASE("latency statistics of no samples are all zero", "[cli]") {
  const auto stats = sbx::fanout::summarize_latencies({});
  CHECK(stats.count == 0);
  CHECK(stats.max == 0ns);
}

TEST_CASE("{i} in command words becomes the sandbox index", "[cli]") {
  using sbx::fanout::with_index;
  CHECK(with_index({"echo {i}"}, 42) == std::vector<std::string>{"echo 42"});
  CHECK(with_index({"cp", "in{i}", "out{i}{i}"}, 7) == std::vector<std::string>{"cp", "in7", "out77"});
  CHECK(with_index({"echo", "{j}"}, 1) == std::vector<std::string>{"echo", "{j}"});
}

TEST_CASE("cli: --env takes NAME=VALUE or copies a bare NAME from this environment", "[cli]") {
  using sbx::cli::parse_env_assignment;
  CHECK(parse_env_assignment("A=b=c") == std::pair<std::string, std::string>{"A", "b=c"});
  CHECK(parse_env_assignment("EMPTY=") == std::pair<std::string, std::string>{"EMPTY", ""});
  setenv("SBX_CLI_TEST_VALUE", "from host", 1);
  CHECK(parse_env_assignment("SBX_CLI_TEST_VALUE") ==
        std::pair<std::string, std::string>{"SBX_CLI_TEST_VALUE", "from host"});
  unsetenv("SBX_CLI_TEST_UNSET");
  CHECK_THROWS_AS(parse_env_assignment("SBX_CLI_TEST_UNSET"), usage_error);
  CHECK_THROWS_AS(parse_env_assignment("=x"), usage_error);
}

TEST_CASE("cp path arguments split at the first colon and default to the last component", "[cli]") {
  using sbx::cli::parse_path_mapping;
  const auto explicit_copy = parse_path_mapping("src/app:work/app:v2");
  CHECK(explicit_copy.from == "src/app");
  CHECK(explicit_copy.to == "work/app:v2");
  CHECK(parse_path_mapping("build/out/").to == "out");
  CHECK(parse_path_mapping("/tmp/report.txt:").to == "report.txt");
  CHECK_THROWS_AS(parse_path_mapping(":x"), usage_error);
  CHECK_THROWS_AS(parse_path_mapping("/"), usage_error);
  CHECK_THROWS_AS(parse_path_mapping(".."), usage_error);
}

TEST_CASE("tables align columns by display width, not bytes", "[cli]") {
  CHECK(sbx::cli::display_width("✓") == 1);
  CHECK(sbx::cli::format_table({{"a", "✓", "x"}, {"long", "–", "y"}}) ==
        "a     ✓  x\n"
        "long  –  y\n");
}
