// Built-in presets (the original's exact strings) and option resolution.
#include "resolve_options.hpp"
#include "sbx/errors.hpp"
#include "sbx/presets.hpp"

#include <catch2/catch.hpp>

using namespace sbx;

TEST_CASE("the agent presets keep the original's exact values", "[presets]") {
  const auto codex = get_preset("codex");
  CHECK(codex.description == "Sandbox with Codex CLI installed");
  CHECK(codex.image == "ghcr.io/bespokelabsai/sandbox/codex:v2");
  CHECK(codex.setup_commands == std::vector<std::string>{"npm install -g @openai/codex"});
  CHECK(codex.setup_for("tensorlake") ==
        std::vector<std::string>{"mkdir -p $HOME/.npm-global && npm config set prefix $HOME/.npm-global && npm install -g @openai/codex"});
  CHECK(codex.memory_mb == 2048);
  CHECK(codex.timeout_secs == 1800);
  CHECK(codex.allow_internet);
  const auto claude = get_preset("claude-code");
  CHECK(claude.description == "Sandbox with Claude Code (Anthropic CLI) installed");
  CHECK(claude.image == "ghcr.io/bespokelabsai/sandbox/claude-code:v2");
  const auto both = get_preset("claude-code-codex");
  CHECK(both.setup_commands == std::vector<std::string>{"npm install -g @anthropic-ai/claude-code @openai/codex"});
}

TEST_CASE("the seed page's presets exist with their defaults", "[presets]") {
  std::vector<std::string> names;
  for (const auto& p : list_presets()) names.push_back(p.name);
  for (const auto* name : {"claude-code", "claude-code-codex", "codex", "empty", "node", "python",
                           "python-data-science", "python-ml", "web-dev"})
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  const auto ml = get_preset("python-ml");
  CHECK(ml.cpu == 2.0);
  CHECK(ml.memory_mb == 4096);
  CHECK(ml.timeout_secs == 1800);
  CHECK(get_preset("empty").setup_commands.empty());
}

TEST_CASE("an unknown preset is a configuration error listing the names", "[presets]") {
  try {
    get_preset("nope");
    FAIL("no error");
  } catch (const SandboxConfigurationError& e) {
    CHECK(std::string(e.what()).find("Unknown preset 'nope'. Available presets: claude-code") == 0);
  }
}

TEST_CASE("explicit options override the preset; env vars merge", "[presets]") {
  Preset p{.name = "test-merge", .description = "d"};
  p.cpu = 4;
  p.memory_mb = 8192;
  p.env_vars = {{"A", "preset"}, {"B", "preset"}};
  p.setup_commands = {"true"};
  register_preset(p);
  CreateOptions options;
  options.preset = "test-merge";
  options.memory_mb = 512;
  options.env_vars = {{"B", "mine"}};
  const auto plan = detail::resolve_options(options, "local", Capabilities{}, ClientOptions{});
  CHECK(plan.options.cpu == 4);
  CHECK(plan.options.memory_mb == 512);
  CHECK(plan.options.env_vars == env_map{{"A", "preset"}, {"B", "mine"}});
  CHECK(plan.setup_commands == std::vector<std::string>{"true"});
  CHECK(plan.options.labels.at("sbx.library") == "sbx");
  CHECK(plan.options.labels.count("sbx.pid") == 1);
}

TEST_CASE("a preset's prebuilt image skips setup on image backends only", "[presets]") {
  CreateOptions options;
  options.preset = "codex";
  Capabilities images;
  images.images = true;
  const auto docker = detail::resolve_options(options, "docker", images, ClientOptions{});
  CHECK(docker.options.image == "ghcr.io/bespokelabsai/sandbox/codex:v2");
  CHECK(docker.setup_commands.empty());
  const auto local = detail::resolve_options(options, "local", Capabilities{}, ClientOptions{});
  CHECK(local.setup_commands == std::vector<std::string>{"npm install -g @openai/codex"});
  options.image = "other:1";
  CHECK(detail::resolve_options(options, "docker", images, ClientOptions{}).setup_commands.size() == 1);
  const auto tensorlake = detail::resolve_options(CreateOptions{.preset = "codex"}, "tensorlake", images, ClientOptions{});
  CHECK_FALSE(tensorlake.options.image);
  CHECK(tensorlake.setup_commands.front().starts_with("mkdir -p $HOME/.npm-global"));
}

TEST_CASE("bad values are refused before anything is created", "[presets]") {
  const auto resolve = [](CreateOptions o) { return detail::resolve_options(o, "local", Capabilities{}, ClientOptions{}); };
  CHECK_THROWS_AS(resolve(CreateOptions{.cpu = 0.0}), SandboxConfigurationError);
  CHECK_THROWS_AS(resolve(CreateOptions{.memory_mb = -5}), SandboxConfigurationError);
  CHECK_THROWS_AS(resolve(CreateOptions{.timeout_secs = 0}), SandboxConfigurationError);
  CHECK_THROWS_AS(resolve(CreateOptions{.env_vars = {{"1BAD", "x"}}}), SandboxConfigurationError);
  CHECK_THROWS_AS(resolve(CreateOptions{.preset = "missing"}), SandboxConfigurationError);
  CHECK_THROWS_AS(resolve(CreateOptions{.allow_internet = false}), FeatureNotSupportedError);
  CHECK_THROWS_AS(resolve(CreateOptions{.snapshot_id = "s"}), FeatureNotSupportedError);
  CHECK_THROWS_AS(resolve(CreateOptions{.gpu = 1}), FeatureNotSupportedError);
}
