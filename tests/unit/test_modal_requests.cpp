// The Modal driver's requests and answers as pure functions: the sandbox definition,
// backend_options merged as proto3 JSON, exec starts, exit statuses, fs-tools JSON,
// channel URLs and settings.
#if SBX_WITH_MODAL
#include "drivers/modal/grpc_channel.hpp"
#include "drivers/modal/modal_requests.hpp"
#include "drivers/modal/modal_settings.hpp"
#include "sbx/errors.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

namespace mdl = sbx::drivers::modal;

namespace {

sbx::ResolvedOptions options_with(bool internet) {
  sbx::ResolvedOptions o;
  o.cpu = 1.5;
  o.memory_mb = 768;
  o.timeout_secs = 300;
  o.allow_internet = internet;
  o.gpu = 2;
  o.gpu_type = "A100";
  return o;
}

}  // namespace

TEST_CASE("modal: SandboxCreate carries resources, lifetime, network block, image, secret and tags", "[modal]") {
  const mdl::sandbox_inputs inputs{.app_id = "ap-1", .image_id = "im-1", .secret_ids = {"st-1"}, .workdir = "/root",
                                     .tags = {{"sbx.library", "sbx"}, {mdl::tag_create_nonce, "n1"}}};
  const auto request = mdl::sandbox_create_request(options_with(false), inputs);
  const auto& d = request.definition();
  CHECK(request.app_id() == "ap-1");
  CHECK(d.image_id() == "im-1");
  CHECK(d.resources().milli_cpu() == 1500);
  CHECK(d.resources().memory_mb() == 768);
  CHECK(d.resources().gpu_config().count() == 2);
  CHECK(d.resources().gpu_config().gpu_type() == "A100");
  CHECK(d.timeout_secs() == 300);
  CHECK(d.workdir() == "/root");
  CHECK(d.block_network());
  CHECK(d.network_access().network_access_type() == mdl::api::NetworkAccess::BLOCKED);
  REQUIRE(d.secret_ids_size() == 1);
  CHECK(d.secret_ids(0) == "st-1");
  REQUIRE(d.entrypoint_args_size() == 2);
  CHECK(d.entrypoint_args(0) == "sleep");
  CHECK(std::stoi(d.entrypoint_args(1)) > 300);
  REQUIRE(request.tags_size() == 2);
  CHECK(request.tags(0).tag_name() == mdl::tag_create_nonce);
  CHECK(request.tags(1).tag_value() == "sbx");

  const auto open = mdl::sandbox_create_request(options_with(true), inputs);
  CHECK_FALSE(open.definition().block_network());
  CHECK(open.definition().network_access().network_access_type() == mdl::api::NetworkAccess::OPEN);
}

TEST_CASE("modal: backend_options merge into the definition as proto3 JSON", "[modal]") {
  auto request = mdl::sandbox_create_request(options_with(true), {.app_id = "ap", .image_id = "im"});
  mdl::merge_backend_options(*request.mutable_definition(),
                               boost::json::parse(R"({"timeoutSecs": 60, "resources": {"milliCpu": 250}})").as_object());
  CHECK(request.definition().timeout_secs() == 60);
  CHECK(request.definition().resources().milli_cpu() == 250);
  CHECK(request.definition().resources().memory_mb() == 768);  // untouched
  CHECK_THROWS_AS(mdl::merge_backend_options(*request.mutable_definition(),
                                               boost::json::parse(R"({"noSuchField": 1})").as_object()),
                  std::invalid_argument);
}

TEST_CASE("modal: TaskExecStart pipes both streams and gives the router the timeout plus grace", "[modal]") {
  const auto r = mdl::exec_start_request("ta-1", "ex-1", {"printf", "%s", "a b"}, {{"K", "v"}}, "/root/w",
                                           std::chrono::milliseconds(1500), std::chrono::seconds(5));
  CHECK(r.task_id() == "ta-1");
  CHECK(r.exec_id() == "ex-1");
  REQUIRE(r.command_args_size() == 3);
  CHECK(r.command_args(2) == "a b");
  CHECK(r.stdout_config() == mdl::router::TASK_EXEC_STDOUT_CONFIG_PIPE);
  CHECK(r.stderr_config() == mdl::router::TASK_EXEC_STDERR_CONFIG_PIPE);
  CHECK(r.timeout_secs() == 7);
  CHECK(r.workdir() == "/root/w");
  CHECK(r.env().at("K") == "v");
  const auto untimed = mdl::exec_start_request("t", "e", {"true"}, {}, "", std::nullopt, std::chrono::seconds(5));
  CHECK_FALSE(untimed.has_timeout_secs());
  CHECK_FALSE(untimed.has_workdir());
}

TEST_CASE("modal: exit statuses are the code, or 128 + the signal", "[modal]") {
  mdl::router::TaskExecWaitResponse wait;
  CHECK_FALSE(mdl::exit_code_of(wait));
  wait.set_code(42);
  CHECK(mdl::exit_code_of(wait) == 42);
  wait.set_signal(9);
  CHECK(mdl::exit_code_of(wait) == 137);
}

TEST_CASE("modal: exec ids are UUID4 strings", "[modal]") {
  const auto id = mdl::new_exec_id();
  REQUIRE(id.size() == 36);
  CHECK(id[8] == '-');
  CHECK(id[14] == '4');
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);
  CHECK(mdl::new_exec_id() != id);
}

TEST_CASE("modal: fs-tools requests and answers", "[modal]") {
  const auto read = mdl::fs_tools_command("ReadFile", "/root/a \"b\".txt");
  REQUIRE(read.size() == 2);
  CHECK(read[0] == mdl::fs_tools_path);
  CHECK(boost::json::parse(read[1]).at("ReadFile").at("path") == "/root/a \"b\".txt");
  const auto rm = mdl::fs_tools_command("Remove", "/x", std::pair<std::string_view, bool>("recursive", true));
  CHECK(boost::json::parse(rm[1]).at("Remove").at("recursive") == true);

  const auto entries = mdl::parse_fs_entries(
      R"([{"name":"d","path":"/r/d","type":"directory","size":4096},{"name":"f","path":"/r/f","type":"file","size":3}])");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0] == sbx::FileInfo{.path = "/r/d", .is_dir = true});
  CHECK(entries[1] == sbx::FileInfo{.path = "/r/f", .is_dir = false, .size = 3});
  CHECK_THROWS_AS(mdl::parse_fs_entries("{}"), std::invalid_argument);

  const auto error = mdl::parse_fs_error(R"({"error_kind":"NotFound","message":"no such file","detail":null})");
  CHECK(error.kind == "NotFound");
  CHECK(error.message == "no such file");
  CHECK(mdl::parse_fs_error("plain text").message == "plain text");
}

TEST_CASE("modal: channel URLs", "[modal]") {
  CHECK(mdl::parse_channel_url("https://api.modal.com").authority == "api.modal.com:443");
  CHECK(mdl::parse_channel_url("https://api.modal.com:443/x").tls);
  const auto loopback = mdl::parse_channel_url("http://127.0.0.1:5000");
  CHECK(loopback.authority == "127.0.0.1:5000");
  CHECK_FALSE(loopback.tls);
  CHECK_THROWS_AS(mdl::parse_channel_url("ftp://x"), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(mdl::parse_channel_url("https://"), sbx::SandboxConfigurationError);
}

TEST_CASE("modal: settings from driver options over the environment", "[modal]") {
  const sbx::detail::env_lookup env = [](const char* name) -> std::optional<std::string> {
    const std::string n = name;
    if (n == "MODAL_TOKEN_ID") return "ak-env";
    if (n == "MODAL_TOKEN_SECRET") return "as-env";
    if (n == "MODAL_SERVER_URL") return "http://127.0.0.1:1";
    return std::nullopt;
  };
  const auto from_env = mdl::load_settings({}, env);
  CHECK(from_env.token_id == "ak-env");
  CHECK(from_env.token_secret == "as-env");
  CHECK(from_env.server_url == "http://127.0.0.1:1");
  CHECK(from_env.image_builder_version == "2024.10");
  const auto from_options =
      mdl::load_settings(boost::json::parse(R"({"token_id":"ak-o","server_url":"https://x"})").as_object(), env);
  CHECK(from_options.token_id == "ak-o");
  CHECK(from_options.server_url == "https://x");
  CHECK_THROWS_AS(mdl::require_credentials(mdl::load_settings({}, [](const char*) { return std::optional<std::string>(); })),
                  sbx::SandboxConfigurationError);
}

TEST_CASE("modal: an unknown driver option is refused, naming it but not its value", "[modal]") {
  const sbx::detail::env_lookup no_env = [](const char*) { return std::optional<std::string>(); };
  std::string message;
  try {
    mdl::load_settings(boost::json::parse(R"({"token_secrett":"as-secret-27182","max_running":4})").as_object(), no_env);
  } catch (const sbx::SandboxConfigurationError& e) {
    message = e.what();
  }
  CHECK_THAT(message, Catch::Contains("unknown key 'token_secrett'"));
  CHECK_THAT(message, Catch::Contains("token_secret"));
  CHECK(message.find("as-secret-27182") == std::string::npos);
  CHECK_NOTHROW(mdl::load_settings(boost::json::parse(R"({"workdir":"/w","max_running":4})").as_object(), no_env));
}
#endif
