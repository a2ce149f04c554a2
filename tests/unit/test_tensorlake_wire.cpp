// The Tensorlake driver's pure parts: the exact-output wrapper and its decoder (run
// through the host's real sh and sed), owner names, the create body, run events,
// settings and the `tl login` files.
#include "drivers/tensorlake/exact_output.hpp"
#include "drivers/tensorlake/login_files.hpp"
#include "drivers/tensorlake/tensorlake_settings.hpp"
#include "drivers/tensorlake/wire.hpp"
#include "owner_labels.hpp"
#include "process/environment.hpp"
#include "process/run_process.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace sbx::drivers::tensorlake;
namespace fs = std::filesystem;

namespace {

// Splits `text` at '\n' into lines without the newline (a last unterminated line too),
// as the management API reports them.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

struct decoded_run {
  std::string out, err;
  int exit_code = 0;
  bool complete = false;
};

// Runs `argv` under the wrapper on this host, then decodes its line-split output.
decoded_run run_wrapped(const std::vector<std::string>& argv, const std::string& stdin_path = "") {
  sbx::process::spawn_spec spec{.argv = wrapped_command(argv, stdin_path), .env = sbx::process::host_environment()};
  std::string raw_out, raw_err;
  const auto result = sbx_test::run(sbx::process::run_process(std::move(spec), [&](sbx::output_stream s, std::string_view c) {
    (s == sbx::output_stream::std_out ? raw_out : raw_err).append(c);
  }));
  decoded_run r{.exit_code = result.exit_code};
  line_decoder out([&](std::string_view b) { r.out.append(b); });
  line_decoder err([&](std::string_view b) { r.err.append(b); });
  for (const auto& line : lines_of(raw_out)) out.feed(line);
  for (const auto& line : lines_of(raw_err)) err.feed(line);
  r.complete = out.finish_complete() && err.finish_complete();
  return r;
}

std::string all_bytes() {
  std::string out;
  for (int b = 0; b < 256; ++b) out.push_back(static_cast<char>(b));
  return out + "\\\\X$\\\nX";
}

}  // namespace

TEST_CASE("tensorlake exact output: every byte survives the line encoding", "[tensorlake]") {
  const auto bytes = all_bytes() + std::string(5000, 'y') + "X";
  const auto path = fs::temp_directory_path() / ("sbx-tl-bytes-" + sbx::detail::random_hex(8));
  std::ofstream(path, std::ios::binary) << bytes;
  const auto r = run_wrapped({"cat", path.string()});
  fs::remove(path);
  CHECK(r.complete);
  CHECK(r.exit_code == 0);
  CHECK(r.out == bytes);
  CHECK(r.err.empty());
}

TEST_CASE("tensorlake exact output: final newlines, stderr apart, exit status kept", "[tensorlake]") {
  const auto r = run_wrapped({"sh", "-c", "printf 'a\\n\\nb'; printf 'X\\nX' >&2; exit 7"});
  CHECK(r.out == "a\n\nb");
  CHECK(r.err == "X\nX");
  CHECK(r.exit_code == 7);
  const auto empty = run_wrapped({"true"});
  CHECK(empty.out.empty());
  CHECK(empty.err.empty());
  CHECK(empty.complete);
}

TEST_CASE("tensorlake exact output: stdin comes from the file, which is deleted", "[tensorlake]") {
  const auto path = fs::temp_directory_path() / ("sbx-tl-stdin-" + sbx::detail::random_hex(8));
  std::ofstream(path, std::ios::binary) << std::string("in\0put", 6);
  const auto r = run_wrapped({"cat"}, path.string());
  CHECK(r.out == std::string("in\0put", 6));
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("tensorlake exact output: the decoder refuses what the wrapper never makes", "[tensorlake]") {
  line_decoder d([](std::string_view) {});
  CHECK_THROWS_AS(d.feed("no end marker"), malformed_output);
  CHECK_THROWS_AS(d.feed("\\9zz$"), malformed_output);
  CHECK_THROWS_AS(d.feed(""), malformed_output);
}

TEST_CASE("tensorlake exact output: an interrupted stream hands on what was held", "[tensorlake]") {
  std::string got;
  line_decoder d([&](std::string_view b) { got.append(b); });
  d.feed("partial X$");
  CHECK(got == "partial ");
  CHECK(d.finish_complete());
  d.flush_interrupted();
  CHECK(got == "partial X\n");
}

TEST_CASE("tensorlake names carry the owner, and orphans are told apart", "[tensorlake]") {
  const auto name = owner_name(std::chrono::seconds(600));
  CHECK(name.rfind("sbx-", 0) == 0);
  const auto owner = owner_of(name);
  REQUIRE(owner);
  CHECK(owner->at(sbx::detail::label_host) == sbx::detail::host_name());
  CHECK_FALSE(sbx::detail::is_orphan(*owner));  // this process, lifetime ahead
  const auto expired = owner_of("sbx-00000000-1-1-abc");
  REQUIRE(expired);
  CHECK(sbx::detail::is_orphan(*expired));
  CHECK_FALSE(owner_of("someone-else"));
  CHECK_FALSE(owner_of("sbx-short-1-1-abc"));
}

TEST_CASE("tensorlake create body: resources, lifetime, egress, name; restores inherit resources", "[tensorlake]") {
  sbx::ResolvedOptions options;
  options.cpu = 2;
  options.memory_mb = 2048;
  options.allow_internet = false;
  options.env_vars = {{"SECRET_ENV", "x"}};
  options.backend_options = {{"max_pending_secs", 60}};
  auto body = create_body(options, std::string("tensorlake/ubuntu-minimal"), "sbx-n");
  CHECK(body.at("image") == "tensorlake/ubuntu-minimal");
  CHECK(body.at("resources").at("cpus") == 2.0);
  CHECK(body.at("resources").at("memory_mb") == 2048);
  CHECK(body.at("timeout_secs") == 600);
  CHECK(body.at("network").at("allow_internet_access") == false);
  CHECK(body.at("name") == "sbx-n");
  CHECK(body.at("auto_resume") == false);
  CHECK(body.at("max_pending_secs") == 60);
  CHECK_FALSE(body.contains("env"));
  options.snapshot_id = "snap-1";
  options.allow_internet = true;
  body = create_body(options, std::nullopt, "sbx-n");
  CHECK(body.at("snapshot_id") == "snap-1");
  CHECK_FALSE(body.contains("resources"));
  CHECK_FALSE(body.contains("network"));
  CHECK_FALSE(body.contains("image"));
}

TEST_CASE("tensorlake run events are read like the SDK reads them", "[tensorlake]") {
  CHECK(parse_run_event(R"({"pid":42,"handle":1})").pid == 42);
  const auto line = parse_run_event(R"({"line":"x$","stream":"stderr","timestamp":"t"})");
  CHECK(line.type == run_event::kind::output);
  CHECK(line.stream == sbx::output_stream::std_err);
  CHECK(parse_run_event(R"({"exit_code":3})").exit_code == 3);
  const auto killed = parse_run_event(R"({"signal":9,"reason":"timed_out"})");
  CHECK(killed.exit_code == 137);
  CHECK(killed.timed_out);
  CHECK(parse_run_event(R"({"heartbeat":true})").type == run_event::kind::other);
  CHECK_THROWS_AS(parse_run_event("not json"), std::invalid_argument);
}

TEST_CASE("tensorlake settings: credential precedence and the lifecycle URL", "[tensorlake]") {
  const auto env = [](const char* name) -> std::optional<std::string> {
    if (std::string_view(name) == "TENSORLAKE_API_KEY") return "env-key";
    if (std::string_view(name) == "TENSORLAKE_PAT") return "env-pat";
    return std::nullopt;
  };
  const auto none = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  auto s = load_settings({{"api_key", "option-key"}}, env, std::nullopt);
  CHECK(s.token == "option-key");
  CHECK_FALSE(s.personal_token);
  CHECK(s.lifecycle_url == "https://sandbox.tensorlake.ai");
  s = load_settings({}, env, std::nullopt);
  CHECK(s.token == "env-key");
  s = load_settings({{"api_url", "https://api.tensorlake.dev/"}}, none, std::nullopt);
  CHECK(s.token.empty());
  CHECK(s.lifecycle_url == "https://sandbox.tensorlake.dev");
  s = load_settings({{"api_url", "http://localhost:8900"}, {"namespace", "ns1"}}, none, std::nullopt);
  CHECK(s.lifecycle_url == "http://localhost:8900/v1/namespaces/ns1");
  CHECK_THROWS_AS(load_settings({{"snapshot_type", "disk"}}, none, std::nullopt), sbx::SandboxConfigurationError);
}

TEST_CASE("tensorlake login files: contexts, per-URL tables and the legacy token", "[tensorlake]") {
  const auto dir = fs::temp_directory_path() / ("sbx-tl-login-" + sbx::detail::random_hex(8));
  fs::create_directories(dir);
  std::ofstream(dir / "credentials.toml") << "token = \"legacy\"\n\n[\"https://api.tensorlake.ai\"]\n"
                                             "token = \"url-token\"\norganization = \"org_1\"\nproject = \"proj_1\"\n";
  auto login = find_stored_login(dir, "https://api.tensorlake.ai:443/");
  REQUIRE(login);
  CHECK(login->token == "url-token");
  CHECK(login->organization == "org_1");
  CHECK(login->project == "proj_1");
  login = find_stored_login(dir, "https://api.other.example");
  REQUIRE(login);
  CHECK(login->token == "legacy");
  CHECK_FALSE(login->organization);

  std::ofstream(dir / "contexts.toml") << "current = \"default\"\n[contexts.default]\napi_url = \"https://api.tensorlake.ai\"\n"
                                          "organization = \"org_c\"\nproject = \"proj_c\"\nstorage = \"file\"\n";
  std::ofstream(dir / "credentials.toml", std::ios::app) << "\n[contexts.default]\ntoken = \"context-token\"\n";
  login = find_stored_login(dir, "https://api.tensorlake.ai");
  REQUIRE(login);
  CHECK(login->token == "context-token");
  CHECK(login->project == "proj_c");

  const auto none = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  const auto s = load_settings({}, none, dir);
  CHECK(s.token == "context-token");
  CHECK(s.personal_token);
  CHECK(s.organization_id == "org_c");
  CHECK(s.credential_source.find("context-token") == std::string::npos);
  fs::remove_all(dir);
  CHECK(normalize_api_url(" HTTPS://API.tensorlake.ai:443/// ") == "https://api.tensorlake.ai");
  CHECK_FALSE(parse_toml_strings("[unterminated\n"));
}
