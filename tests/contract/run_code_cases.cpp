// Contract cases R1–R6: run_code.
#include "fixture.hpp"

using namespace sbx_contract;
using sbx::Sandbox;

TEST_CASE("R1 python prints", "[contract][run_code]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const auto r = co_await sb.run_code("print(1+1)");
    CHECK(r.std_out == "2\n");
    CHECK(r.exit_code == 0);
    const auto multiline = co_await sb.run_code("for i in range(3):\n    print(f'line{i}')\n");
    CHECK(multiline.std_out == "line0\nline1\nline2\n");
  });
}

TEST_CASE("R2 a python exception exits non-zero with a traceback on stderr", "[contract][run_code]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const auto r = co_await sb.run_code("raise ValueError('boom')");
    CHECK(r.exit_code != 0);
    CHECK(r.std_err.find("Traceback") != std::string::npos);
    CHECK(r.std_err.find("ValueError: boom") != std::string::npos);
  });
}

TEST_CASE("R3 one MiB of code runs", "[contract][run_code]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    std::string code = "total = 0\n";
    while (code.size() < (1u << 20)) code += "total += 1\n";
    code += "print(total)\n";
    const auto lines = std::count(code.begin(), code.end(), '\n') - 2;
    const auto r = co_await sb.run_code(code);
    CHECK(r.std_out == std::to_string(lines) + "\n");
  });
}

TEST_CASE("R4 other interpreters run their own syntax", "[contract][run_code]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    AWAIT_CHECK((co_await sb.run_code("echo $((6*7))", "bash")).std_out == "42\n");
    AWAIT_CHECK((co_await sb.run_code("echo sh-ok", "sh")).std_out == "sh-ok\n");
    const std::vector<std::pair<std::string, std::string>> optional_languages{
        {"node", "console.log(6*7)"}, {"ruby", "puts 6*7"}, {"perl", "print 6*7, \"\\n\";"}};
    for (const auto& [language, code] : optional_languages) {
      const auto present = co_await sb.exec("command -v " + language);
      if (present.exit_code != 0) continue;  // the image lacks it: R5 covers absence
      AWAIT_CHECK((co_await sb.run_code(code, language)).std_out == "42\n");
    }
  });
}

TEST_CASE("R5 an absent interpreter is a clear error naming it", "[contract][run_code]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    try {
      co_await sb.run_code("print 1", "sbx-no-such-interpreter");
      FAIL("no error for a missing interpreter");
    } catch (const sbx::SandboxExecutionError& e) {
      CHECK(std::string(e.what()).find("sbx-no-such-interpreter") != std::string::npos);
    }
    AWAIT_CHECK(co_await throws<sbx::SandboxConfigurationError>(sb.run_code("1", "python; rm -rf /")));
  });
}

TEST_CASE("R6 each call is a fresh interpreter", "[contract][run_code]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    co_await sb.run_code("x = 41");
    const auto r = co_await sb.run_code("print(x)");
    CHECK(r.exit_code != 0);
    CHECK(r.std_err.find("NameError") != std::string::npos);
  });
}
