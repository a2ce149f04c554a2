// The Daytona driver's pure parts: request bodies and queries, response parsing, the
// exec command line (run here through /bin/sh), settings and error mapping.
#include "drivers/daytona/daytona_errors.hpp"
#include "drivers/daytona/daytona_settings.hpp"
#include "drivers/daytona/wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

using namespace sbx::drivers::daytona;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

template <class Error>
std::string thrown_by(unsigned status, std::string_view body, service from, const char* op = "exec") {
  try {
    throw_error(from, status, body, op, {}, {"dtn_secret_key"});
  } catch (const Error& e) {
    return e.what();
  }
  return "(other error)";
}

}  // namespace

TEST_CASE("daytona wire: create from an image carries rounded-up resources", "[daytona][wire]") {
  sbx::ResolvedOptions options;
  options.image = "python:3.12";
  options.cpu = 1.5;
  options.memory_mb = 1536;
  options.disk_mb = 10 * 1024;
  options.timeout_secs = 61;
  options.allow_internet = false;
  options.env_vars = {{"A", "1"}};
  const auto body = create_body(options, std::string("ignored-snapshot"), std::string("eu"), {{"k", "v"}});
  CHECK(body.at("buildInfo").at("dockerfileContent") == "FROM python:3.12\n");
  CHECK(body.at("cpu") == 2);
  CHECK(body.at("memory") == 2);
  CHECK(body.at("disk") == 10);
  CHECK_FALSE(body.contains("snapshot"));
  CHECK(body.at("networkBlockAll") == true);
  CHECK(body.at("autoStopInterval") == 2);
  CHECK(body.at("autoDeleteInterval") == 0);
  CHECK(body.at("target") == "eu");
  CHECK(body.at("env").at("A") == "1");
  CHECK(body.at("labels").at("k") == "v");
  CHECK(body.at("labels").at("code-toolbox-language") == "python");
}

TEST_CASE("daytona wire: create from a snapshot sends no resources; backend_options win", "[daytona][wire]") {
  sbx::ResolvedOptions options;
  options.timeout_secs = 30;
  options.backend_options = {{"autoDeleteInterval", -1}, {"public", true}};
  const auto body = create_body(options, std::string("my-snapshot"), std::nullopt, {});
  CHECK(body.at("snapshot") == "my-snapshot");
  CHECK_FALSE(body.contains("cpu"));
  CHECK_FALSE(body.contains("memory"));
  CHECK_FALSE(body.contains("buildInfo"));
  CHECK_FALSE(body.contains("target"));
  CHECK(body.at("networkBlockAll") == false);
  CHECK(body.at("autoStopInterval") == 1);
  CHECK(body.at("autoDeleteInterval") == -1);
  CHECK(body.at("public") == true);
  CHECK_FALSE(create_body(sbx::ResolvedOptions{}, std::nullopt, std::nullopt, {}).contains("snapshot"));
}

TEST_CASE("daytona wire: sandbox objects, states and list pages", "[daytona][wire]") {
  const auto record = parse_sandbox(json::parse(
      R"({"id":"sb1","state":"error","errorReason":"no space","toolboxProxyUrl":"https://proxy/toolbox","labels":{"a":"b","n":1}})"));
  CHECK(record.id == "sb1");
  CHECK(record.error_reason == "no space");
  CHECK(record.toolbox_proxy_url == "https://proxy/toolbox");
  CHECK(record.labels == sbx::env_map{{"a", "b"}});
  CHECK(classify_state(record.state) == state_kind::failed);
  CHECK(classify_state("build_failed") == state_kind::failed);
  CHECK(classify_state("started") == state_kind::started);
  CHECK(classify_state("pulling_snapshot") == state_kind::pending);
  CHECK(classify_state("a_state_from_the_future") == state_kind::pending);
  CHECK(classify_state("destroying") == state_kind::gone);
  CHECK_THROWS_AS(parse_sandbox(json::parse(R"({"state":"started"})")), std::invalid_argument);

  const auto page = parse_sandbox_page(json::parse(R"({"items":[{"id":"a"},{"id":"b"}],"nextCursor":"b"})"));
  REQUIRE(page.items.size() == 2);
  CHECK(page.next_cursor == "b");
  CHECK(parse_sandbox_page(json::parse(R"({"items":[],"nextCursor":null})")).next_cursor.empty());
  CHECK(parse_sandbox_page(json::parse(R"([{"id":"a"}])")).items.size() == 1);
  CHECK_THROWS_AS(parse_sandbox_page(json::parse(R"({"total":0})")), std::invalid_argument);
}

TEST_CASE("daytona wire: list queries carry the label filter as encoded JSON", "[daytona][wire]") {
  CHECK(list_query({{"sbx.library", "sbx"}}, 100, "") == "limit=100&labels=%7B%22sbx.library%22%3A%22sbx%22%7D");
  CHECK(list_query({}, 5, "next id") == "limit=5&cursor=next%20id");
}

TEST_CASE("daytona wire: file lists become full paths with sizes for files", "[daytona][wire]") {
  const auto entries = parse_file_list(
      json::parse(R"([{"name":"a.txt","isDir":false,"size":3},{"name":"sub","isDir":true,"size":4096}])"), "/home/daytona");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0] == sbx::FileInfo{"/home/daytona/a.txt", false, 3});
  CHECK(entries[1] == sbx::FileInfo{"/home/daytona/sub", true, std::nullopt});
  CHECK(parse_file_list(json::parse(R"([{"name":"etc","isDir":true}])"), "/")[0].path == "/etc");
  CHECK_THROWS_AS(parse_file_list(json::parse(R"({})"), "/"), std::invalid_argument);
}

TEST_CASE("daytona wire: session answers", "[daytona][wire]") {
  CHECK(parse_command_id(json::parse(R"({"cmdId":"c1"})")) == "c1");
  CHECK_THROWS_AS(parse_command_id(json::parse(R"({})")), std::invalid_argument);
  CHECK(parse_command_exit(json::parse(R"({"id":"c1","command":"x"})")) == std::nullopt);
  CHECK(parse_command_exit(json::parse(R"({"id":"c1","command":"x","exitCode":7})")) == 7);
}

TEST_CASE("daytona wire: the exec command line keeps stdout and stderr exact and apart", "[daytona][wire]") {
  const auto root = fs::temp_directory_path() / ("sbx-daytona-wire-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "work dir");
  const auto input = root / "in";
  std::ofstream(input, std::ios::binary) << std::string("in\0put", 6);
  const exec_files files{.dir = (root / "exec").string(), .input = input.string()};
  const std::vector<std::string> argv{"/bin/sh", "-c",
                                      "printf '%s|' \"$1\" \"$SBX_V\"; cat; printf 'e\\000rr' >&2; exit 3", "sh",
                                      "it's \"q\" $HOME"};
  const auto line = exec_command_line(argv, {{"SBX_V", "a'b\nc"}}, (root / "work dir").string(), files);
  const int status = std::system(("cd / && " + line).c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK(slurp(files.out()) == std::string("it's \"q\" $HOME|a'b\nc|in\0put", 27));
  CHECK(slurp(files.err()) == std::string("e\0rr", 4));

  const auto missing = exec_command_line({"true"}, {}, (root / "missing").string(), files);
  const int failed = std::system(missing.c_str());
  CHECK(WEXITSTATUS(failed) == 1);
  fs::remove_all(root);

  CHECK_THROWS_AS(exec_command_line({"true"}, {{"BAD-NAME", "x"}}, "/", files), sbx::SandboxConfigurationError);
  CHECK(shell_quote("it's") == "'it'\\''s'");
}

TEST_CASE("daytona wire: multipart bodies", "[daytona][wire]") {
  const std::string bytes("\0\r\n--x", 6);
  const auto body = multipart_body({{.name = "files[0].path", .content = "/a b"},
                                    {.name = "files[0].file", .filename = "/a b", .content = bytes}},
                                   "BOUND");
  CHECK(body == "--BOUND\r\nContent-Disposition: form-data; name=\"files[0].path\"\r\n\r\n/a b\r\n"
                "--BOUND\r\nContent-Disposition: form-data; name=\"files[0].file\"; filename=\"/a b\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" +
                    bytes + "\r\n--BOUND--\r\n");
}

TEST_CASE("daytona settings: driver options over DAYTONA_* variables over defaults", "[daytona][wire]") {
  const auto defaults = load_settings({}, fake_env({}));
  CHECK(defaults.api_url == "https://app.daytona.io/api");
  CHECK_FALSE(defaults.target);
  CHECK(defaults.workdir == "/home/daytona");
  CHECK(defaults.knobs.limits.create_rate == 5);
  CHECK_THROWS_AS(require_api_key(defaults), sbx::SandboxConfigurationError);

  const auto from_env = load_settings({}, fake_env({{"DAYTONA_API_KEY", "k1"}, {"DAYTONA_API_URL", "http://x/api"},
                                                    {"DAYTONA_TARGET", "eu"}}));
  CHECK(from_env.api_key == "k1");
  CHECK(from_env.api_url == "http://x/api");
  CHECK(from_env.target == "eu");
  CHECK_NOTHROW(require_api_key(from_env));

  const auto from_options = load_settings(
      {{"api_key", "k2"}, {"api_url", "http://y/api"}, {"target", "us"}, {"max_running", 3}, {"retry_attempts", 1}},
      fake_env({{"DAYTONA_API_KEY", "k1"}, {"DAYTONA_TARGET", "eu"}}));
  CHECK(from_options.api_key == "k2");
  CHECK(from_options.api_url == "http://y/api");
  CHECK(from_options.target == "us");
  CHECK(from_options.knobs.limits.running_sandboxes == 3);
  CHECK(from_options.knobs.retry.max_attempts == 1);
  CHECK_THROWS_AS(load_settings({{"max_running", -1}}, fake_env({})), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(load_settings({{"api_url", 5}}, fake_env({})), sbx::SandboxConfigurationError);
}

TEST_CASE("daytona errors: statuses map to the sbx taxonomy, secrets are redacted", "[daytona][wire]") {
  const auto api_401 = thrown_by<sbx::SandboxConfigurationError>(
      401, R"({"statusCode":401,"message":"bad token dtn_secret_key","error":"Unauthorized"})", service::api);
  CHECK(api_401.find("rejected the API key") != std::string::npos);
  CHECK(api_401.find("dtn_secret_key") == std::string::npos);
  CHECK(thrown_by<sbx::SandboxConfigurationError>(403, "", service::api).find("HTTP 403") != std::string::npos);
  CHECK(thrown_by<sbx::SandboxExecutionError>(403, "", service::toolbox).find("HTTP 403") != std::string::npos);
  CHECK(thrown_by<sbx::SandboxNotFoundError>(404, "", service::toolbox, "read_file").find("read_file") != std::string::npos);
  CHECK(thrown_by<sbx::SandboxTimeoutError>(
            408, R"({"statusCode":408,"message":"request timeout","code":"REQUEST_TIMEOUT"})", service::toolbox)
            .find("request timeout") != std::string::npos);
  CHECK(thrown_by<sbx::SandboxCreationError>(400, R"({"message":["cpu must be positive","memory too"]})",
                                             service::api, "create")
            .find("cpu must be positive, memory too") != std::string::npos);
  try {
    throw_error(service::api, 429, R"({"statusCode":429,"message":"ThrottlerException"})", "create", {}, {});
  } catch (const sbx::SandboxCreationError& e) {
    CHECK(e.retryable());
    CHECK(e.context().at("status") == "429");
  }
  try {
    throw_error(service::toolbox, 500, R"({"statusCode":500,"message":"x","code":"INTERNAL"})", "exec", {}, {});
  } catch (const sbx::SandboxExecutionError& e) {
    CHECK(e.retryable());
    CHECK(e.context().at("code") == "INTERNAL");
  }
}
