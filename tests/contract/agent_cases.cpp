// The original's agent tests (test_agents, test_agent_runtime), on every backend.
#include "fixture.hpp"

#include "sbx/agents.hpp"

using namespace sbx_contract;
using sbx::AgentSpec;
using sbx::Sandbox;
using sbx::agent_capability;
using sbx::agent_input;

namespace {
const std::vector<std::string> uppercase_argv_agent{
    "python3", "-c", "import sys; print(sys.argv[1].upper())"};
}

TEST_CASE("agent specs validate like the original", "[contract][agents]") {
  CHECK_THROWS_AS(AgentSpec(AgentSpec::inside{.name = "a", .command = {}}).validate(), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(AgentSpec(AgentSpec::inside{.name = "", .command = {"x"}}).validate(), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(sbx::parse_agent_capability("database"), sbx::SandboxConfigurationError);
  CHECK(sbx::parse_agent_capability("patch") == agent_capability::patch);
  CHECK_THROWS_AS(AgentSpec(AgentSpec::inside{.name = "a", .command = {"x"}, .env = {{"1X", "v"}}}).validate(),
                  sbx::SandboxConfigurationError);
  CHECK_THROWS_WITH(AgentSpec(AgentSpec::outside{.name = "o"}).validate(),
                    Catch::Contains("Outside agent spec requires a runner"));
  const AgentSpec inside = AgentSpec::inside{.name = "a", .command = {"x"}};
  CHECK(std::holds_alternative<sbx::InsideAgentSpec>(inside.spec));
  CHECK(std::get<sbx::InsideAgentSpec>(inside.spec).capabilities == sbx::default_agent_capabilities());
}

TEST_CASE("inside agents receive the prompt by argv, stdin and file", "[contract][agents]") {
  if (skip_unavailable()) return;
  // Specs are built outside the coroutine: GCC 12 rejects initializer lists of strings
  // inside coroutine frames.
  const sbx::InsideAgentSpec by_argv{.name = "upper", .command = uppercase_argv_agent, .input_mode = agent_input::argv};
  const sbx::InsideAgentSpec by_stdin{.name = "rev",
                                      .command = {"python3", "-c", "import sys; print(sys.stdin.read()[::-1])"}};
  const sbx::InsideAgentSpec by_file{.name = "cat", .command = {"cat"}, .input_mode = agent_input::file, .capabilities = {}};
  const sbx::InsideAgentSpec at_path{.name = "cat", .command = {"cat"}, .input_mode = agent_input::file,
                                     .input_path = "prompt.txt"};
  with_sandbox([&](Sandbox& sb) -> awaitable<void> {
    AWAIT_CHECK((co_await sbx::run_agent(sb, by_argv, "hello")).std_out == "HELLO\n");
    AWAIT_CHECK((co_await sbx::run_agent(sb, by_stdin, "drawer")).std_out == "reward\n");
    AWAIT_CHECK((co_await sbx::run_agent(sb, by_file, "from a file")).std_out == "from a file");
    AWAIT_CHECK((co_await sbx::run_agent(sb, at_path, "named")).std_out == "named");
    AWAIT_CHECK(co_await sb.read_file("prompt.txt") == "named");
  });
}

TEST_CASE("inside agents honour env and cwd", "[contract][agents]") {
  if (skip_unavailable()) return;
  const sbx::InsideAgentSpec runner{.name = "runner",
                                    .command = {"/bin/sh", "-c", "printf '%s %s' \"$AGENT_NAME\" \"$(cat marker.txt)\""},
                                    .cwd = "workspace",
                                    .env = {{"AGENT_NAME", "runner"}},
                                    .input_mode = agent_input::none};
  with_sandbox([&](Sandbox& sb) -> awaitable<void> {
    co_await sb.write_file("workspace/marker.txt", "ok");
    const auto r = co_await sbx::run_agent(sb, runner, "");
    CHECK(r.std_out == "runner ok");
  });
}

TEST_CASE("an inside agent's output can be followed live", "[contract][agents]") {
  if (skip_unavailable()) return;
  const sbx::InsideAgentSpec talker{.name = "talker", .command = {"/bin/sh", "-c", "echo one; echo two >&2"},
                                    .input_mode = agent_input::none};
  with_sandbox([&](Sandbox& sb) -> awaitable<void> {
    std::string seen;
    const auto r = co_await sbx::run_agent_stream(
        sb, talker, "", [&](sbx::output_stream, std::string_view chunk) { seen += chunk; });
    CHECK(r.exit_code == 0);
    CHECK(seen.find("one\n") != std::string::npos);
    CHECK(seen.find("two\n") != std::string::npos);
  });
}

TEST_CASE("outside agents drive the sandbox through their context", "[contract][agents]") {
  if (skip_unavailable()) return;
  const sbx::OutsideAgentSpec host{
      .name = "host", .runner = [](sbx::AgentContext& ctx, std::string prompt) -> awaitable<std::string> {
        co_await ctx.write_file("note.txt", prompt);
        co_return co_await ctx.read_file("note.txt") + "!";
      }};
  with_sandbox([&](Sandbox& sb) -> awaitable<void> {
    const auto answer = co_await sbx::run_agent(sb, host, "hi");
    CHECK(answer == "hi!");
  });
}

TEST_CASE("agent contexts enforce capabilities", "[contract][agents]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    sbx::agent_capabilities files;
    files.insert(agent_capability::files);
    sbx::AgentContext files_only(sb, files);
    co_await files_only.write_file("f.txt", "x");
    AWAIT_CHECK(co_await files_only.read_file("f.txt") == "x");
    try {
      co_await files_only.shell("true");
      FAIL("shell was allowed");
    } catch (const sbx::SandboxError& e) {
      CHECK(e.message() == "Agent context does not allow 'shell' capability");
    }
    sbx::AgentContext nothing(sb, sbx::agent_capabilities());
    AWAIT_CHECK(co_await throws(nothing.write_file("g.txt", "x")));
    AWAIT_CHECK(co_await throws(nothing.artifact_tarball(".")));
  });
}

TEST_CASE("apply_patch applies a diff and reports a failing one as a result", "[contract][agents]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    if ((co_await sb.exec("command -v patch || command -v git")).exit_code != 0) co_return;
    co_await sb.write_file("hello.txt", "hello\n");
    sbx::agent_capabilities allowed;
    allowed.insert(agent_capability::patch);
    allowed.insert(agent_capability::files);
    sbx::AgentContext ctx(sb, allowed);
    const auto applied = co_await ctx.apply_patch(
        "--- a/hello.txt\n+++ b/hello.txt\n@@ -1 +1 @@\n-hello\n+patched\n", 1);
    CHECK(applied.exit_code == 0);
    AWAIT_CHECK(co_await ctx.read_file("hello.txt") == "patched\n");
    const auto rejected = co_await ctx.apply_patch(
        "--- a/hello.txt\n+++ b/hello.txt\n@@ -1 +1 @@\n-nothing like this\n+x\n", 1);
    CHECK(rejected.exit_code != 0);
  });
}

TEST_CASE("artifacts come back as a tarball or a directory", "[contract][agents]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    co_await sb.write_file("out/result.txt", "42");
    sbx::agent_capabilities allowed;
    allowed.insert(agent_capability::artifacts);
    sbx::AgentContext ctx(sb, allowed);
    const auto tarball = co_await ctx.artifact_tarball("out");
    CHECK(tarball.size() > 2);
    CHECK(static_cast<unsigned char>(tarball[0]) == 0x1f);  // gzip magic
    const auto local = std::filesystem::temp_directory_path() / ("sbx-artifacts-" + std::to_string(::getpid()));
    AWAIT_CHECK(co_await ctx.download_artifacts("out", local) == 1);
    std::filesystem::remove_all(local);
  });
}
