// The E2B driver's pure parts: settings, request builders, event and entry parsing,
// error mapping and secret redaction.
#include "codecs/connect_envelope.hpp"
#include "drivers/e2b/e2b_errors.hpp"
#include "drivers/e2b/e2b_settings.hpp"
#include "drivers/e2b/wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace sbx::drivers::e2b;
namespace json = boost::json;

namespace {

env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("e2b settings: driver options over E2B's environment variables over defaults", "[e2b]") {
  const auto defaults = load_settings({}, fake_env({}));
  CHECK(defaults.api_url == "https://api.e2b.app");
  CHECK(defaults.template_id == "base");
  CHECK(defaults.workdir == "/home/user");
  CHECK(defaults.limits.running_sandboxes == 100);
  CHECK(defaults.limits.create_rate == 5);
  CHECK_THROWS_AS(require_api_key(defaults), sbx::SandboxConfigurationError);

  const auto from_env = load_settings({}, fake_env({{"E2B_API_KEY", "k"}, {"E2B_DOMAIN", "example.dev"}}));
  CHECK(from_env.api_key == "k");
  CHECK(from_env.api_url == "https://api.example.dev");

  const auto overridden = load_settings(
      {{"api_key", "o"}, {"api_url", "http://127.0.0.1:9"}, {"user", "root"}, {"create_rate", 0}},
      fake_env({{"E2B_API_KEY", "k"}, {"E2B_API_URL", "https://elsewhere"}}));
  CHECK(overridden.api_key == "o");
  CHECK(overridden.api_url == "http://127.0.0.1:9");
  CHECK(overridden.workdir == "/root");
  CHECK(overridden.limits.create_rate == 0);
  CHECK_THROWS_AS(load_settings({{"max_running", "many"}}, fake_env({})), sbx::SandboxConfigurationError);
}

TEST_CASE("e2b settings: envd is reached through the shared host, a per-sandbox host or a fixed URL", "[e2b]") {
  auto s = load_settings({}, fake_env({}));
  CHECK(envd_base_url(s, "abc", std::nullopt) == "https://sandbox.e2b.app");
  CHECK(envd_base_url(s, "abc", std::string("self-hosted.example")) == "https://49983-abc.self-hosted.example");
  s.envd_url = "http://127.0.0.1:4000";
  CHECK(envd_base_url(s, "abc", std::nullopt) == "http://127.0.0.1:4000");
}

TEST_CASE("e2b create body: template, lifetime, env, labels, network, then backend_options", "[e2b]") {
  sbx::ResolvedOptions options;
  options.timeout_secs = 120;
  options.env_vars = {{"A", "1"}};
  options.allow_internet = false;
  options.backend_options = {{"autoPause", true}, {"mcp", json::object{{"x", 1}}}};
  const auto body = create_body(options, "code-interpreter-v1", {{"sbx.library", "sbx"}});
  CHECK(body.at("templateID").as_string() == "code-interpreter-v1");
  CHECK(body.at("timeout").to_number<int>() == 120);
  CHECK(body.at("envVars").as_object() == json::object{{"A", "1"}});
  CHECK(body.at("metadata").as_object() == json::object{{"sbx.library", "sbx"}});
  CHECK_FALSE(body.at("allow_internet_access").as_bool());
  CHECK(body.at("secure").as_bool());
  CHECK(body.at("autoPause").as_bool());  // backend_options win
  CHECK(body.contains("mcp"));
}

TEST_CASE("e2b list query: metadata filter encoded once inside, once as a value", "[e2b]") {
  CHECK(list_query({}, 100, "") == "state=running&limit=100");
  CHECK(list_query({{"sbx.create_nonce", "a b"}}, 10, "tok/1") ==
        "state=running&limit=10&metadata=sbx.create_nonce%3Da%2520b&nextToken=tok%2F1");
}

TEST_CASE("e2b sandbox objects parse, extra fields ignored", "[e2b]") {
  const auto r = parse_sandbox(json::parse(
      R"({"sandboxID":"s1","templateID":"base","clientID":"c","envdVersion":"0.5.7","envdAccessToken":"t",
          "domain":null,"metadata":{"k":"v"},"new":1})"));
  CHECK(r.sandbox_id == "s1");
  CHECK(r.envd_access_token == "t");
  CHECK_FALSE(r.domain);
  CHECK(r.metadata == sbx::env_map{{"k", "v"}});
  CHECK_THROWS_AS(parse_sandbox(json::parse(R"({"templateID":"base"})")), std::invalid_argument);
  CHECK(parse_sandbox_list(json::parse("[]")).empty());
  CHECK_THROWS_AS(parse_sandbox_list(json::parse("{}")), std::invalid_argument);
}

TEST_CASE("e2b start request: cmd, args, envs, cwd and the stdin flag", "[e2b]") {
  const auto r = start_request({"printf", "%s", "a b"}, {{"X", "1"}}, "/home/user", false);
  CHECK(json::serialize(r) ==
        R"({"process":{"cmd":"printf","args":["%s","a b"],"envs":{"X":"1"},"cwd":"/home/user"},"stdin":false})");
  CHECK_FALSE(start_request({"true"}, {}, "", std::nullopt).contains("stdin"));
  CHECK_THROWS_AS(start_request({}, {}, "", std::nullopt), std::invalid_argument);
}

TEST_CASE("e2b process events: start, separate output streams, keepalive, end", "[e2b]") {
  CHECK(parse_process_event(R"({"event":{"start":{"pid":412}}})").pid == 412);
  const auto out = parse_process_event(R"({"event":{"data":{"stdout":"aGkK"}}})");
  CHECK(out.type == process_event::kind::output);
  CHECK(out.stream == sbx::output_stream::std_out);
  CHECK(out.data == "hi\n");
  const auto err = parse_process_event(R"({"event":{"data":{"stderr":"/w=="}}})");
  CHECK(err.stream == sbx::output_stream::std_err);
  CHECK(err.data == "\xff");
  CHECK(parse_process_event(R"({"event":{"keepalive":{}}})").type == process_event::kind::keepalive);
  CHECK(parse_process_event(R"({"event":{"end":{"exited":true,"status":"exit status 0"}}})").exit_code == 0);
  CHECK(parse_process_event(R"({"event":{"end":{"exitCode":42,"exited":true}}})").exit_code == 42);
  CHECK(parse_process_event(R"({"event":{"somethingNew":{}}})").type == process_event::kind::unknown);
  CHECK_THROWS_AS(parse_process_event(R"({"event":{"data":{"stdout":"@@"}}})"), std::invalid_argument);
  CHECK_THROWS_AS(parse_process_event("[]"), std::invalid_argument);
}

TEST_CASE("e2b exit codes of processes ended by signals follow the shell's 128+n", "[e2b]") {
  CHECK(exit_code_of(json::object{{"exitCode", -1}, {"status", "signal: killed"}}) == 137);
  CHECK(exit_code_of(json::object{{"exitCode", -1}, {"status", "signal: terminated"}}) == 143);
  CHECK(exit_code_of(json::object{{"exitCode", -1}, {"status", "signal: segmentation fault (core dumped)"}}) == 139);
  CHECK(exit_code_of(json::object{{"exitCode", -1}, {"status", "weird"}}) == 255);
  CHECK(exit_code_of(json::object{}) == 0);
}

TEST_CASE("e2b list entries: is_dir from the type, size only for files", "[e2b]") {
  const auto dir = parse_entry(json::parse(R"({"name":"d","type":"FILE_TYPE_DIRECTORY","path":"/home/user/d","size":"4096"})").as_object());
  REQUIRE(dir);
  CHECK(dir->is_dir);
  CHECK_FALSE(dir->size);
  const auto file = parse_entry(json::parse(R"({"name":"f","type":"FILE_TYPE_FILE","path":"/home/user/f","size":"12"})").as_object());
  REQUIRE(file);
  CHECK(*file == sbx::FileInfo{"/home/user/f", false, 12});
  CHECK_FALSE(parse_entry(json::parse(R"({"name":"s","path":"/home/user/s"})").as_object()));
}

// Found by fuzz/e2b_wire_fuzz: numbers that are not exact ints made Boost.JSON throw
// boost::system::system_error, which no caller expects.
TEST_CASE("e2b events and entries with non-integral numbers stay within the documented errors", "[e2b]") {
  CHECK(parse_process_event(R"({"event":{"start":{"pid":1.5}}})").pid == 0);
  CHECK_THROWS_AS(parse_process_event(R"({"event":{"end":{"exitCode":1e30}}})"), std::invalid_argument);
  CHECK_THROWS_AS(exit_code_of(json::object{{"exitCode", 0.5}}), std::invalid_argument);
  CHECK(exit_code_of(json::object{{"exitCode", 3.0}}) == 3);
  const auto file = parse_entry(json::parse(R"({"type":"FILE_TYPE_FILE","path":"/a","size":-1})").as_object());
  REQUIRE(file);
  CHECK(file->size == 0u);
}

TEST_CASE("e2b envd versions compare numerically", "[e2b]") {
  CHECK(version_at_least("0.5.7", "0.5.7"));
  CHECK(version_at_least("0.10.0", "0.5.7"));
  CHECK_FALSE(version_at_least("0.2.9", "0.3.0"));
  CHECK(version_at_least("garbage", "0.3.0"));
}

TEST_CASE("e2b errors: status mapping, and no secret survives in a message", "[e2b]") {
  const std::vector<std::string> secrets{"e2b_supersecret"};
  CHECK(redact_secrets("key e2b_supersecret twice e2b_supersecret", secrets) == "key *** twice ***");
  try {
    throw_api_error(401, R"({"code":401,"message":"Invalid API key e2b_supersecret"})", "create", {}, secrets);
  } catch (const sbx::SandboxConfigurationError& e) {
    CHECK(std::string(e.what()).find("e2b_supersecret") == std::string::npos);
    CHECK_FALSE(e.retryable());
  }
  CHECK_THROWS_AS(throw_api_error(404, "{}", "resume", {}, secrets), sbx::SandboxNotFoundError);
  try {
    throw_api_error(503, R"({"code":503,"message":"busy","error_code":"sandbox_capacity_unavailable"})", "create", {}, secrets);
  } catch (const sbx::SandboxCreationError& e) {
    CHECK(e.retryable());
    CHECK(e.context().at("error_code") == "sandbox_capacity_unavailable");
  }
  CHECK_THROWS_AS(throw_envd_error({"unavailable", "The sandbox was not found"}, 502, "exec", {}, secrets),
                  sbx::SandboxNotFoundError);
  CHECK_THROWS_AS(throw_envd_error({"not_found", "file not found"}, 404, "read_file", {}, secrets),
                  sbx::SandboxNotFoundError);
  CHECK_THROWS_AS(throw_envd_error({"invalid_argument", "path is not a directory"}, 400, "list_files", {}, secrets),
                  sbx::SandboxExecutionError);
}
