// run_code's language table and the script that picks an interpreter.
#include "run_code.hpp"
#include "sbx/errors.hpp"

#include <catch2/catch.hpp>

using namespace sbx::detail;

TEST_CASE("languages map to interpreters that run a program file", "[run_code]") {
  CHECK(runner_for("python").interpreters == std::vector<std::vector<std::string>>{{"python3"}, {"python"}});
  CHECK(runner_for("JavaScript").language == "node");
  CHECK(runner_for("ts").extension == ".ts");
  CHECK(runner_for("go").interpreters.front() == std::vector<std::string>{"go", "run"});
  CHECK(runner_for("pypy3").interpreters == std::vector<std::vector<std::string>>{{"pypy3"}});
}

TEST_CASE("names that are not plain program names are refused", "[run_code]") {
  CHECK_THROWS_AS(runner_for("python; rm -rf /"), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(runner_for("-c"), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(runner_for(""), sbx::SandboxConfigurationError);
}

TEST_CASE("the runner script tries each interpreter and reports a missing one", "[run_code]") {
  const auto script = run_code_script(runner_for("python"));
  CHECK(script.find("command -v 'python3'") != std::string::npos);
  CHECK(script.find("command -v 'python'") != std::string::npos);
  CHECK(script.find("sbx: no interpreter for python (tried: python3, python)") != std::string::npos);
  CHECK(script.find("-c") == std::string::npos);  // never `-c`: the program is a file
}
