// The Ray sandbox job submission body and the agent package.
#include "drivers/ray/agent_package.hpp"
#include "drivers/ray/job_request.hpp"
#include "drivers/ray/token.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

using namespace sbx::drivers::ray;

namespace {

sbx::ResolvedOptions sized_options() {
  sbx::ResolvedOptions options;
  options.cpu = 0.25;
  options.memory_mb = 512;
  options.timeout_secs = 90;
  options.labels = {{"sbx.library", "sbx"}, {"sbx.pid", "42"}, {"team", "evals"}};
  return options;
}

const job_spec spec{.submission_id = "sbx-0123456789abcdef",
                    .package_uri = "gcs://_ray_pkg_sbx_agent_x.zip",
                    .token_sha256 = "digest"};

}  // namespace

TEST_CASE("the job request reserves the sandbox's resources and carries its labels", "[ray]") {
  const auto request = make_job_request(sized_options(), spec);
  CHECK(request.at("submission_id") == "sbx-0123456789abcdef");
  CHECK(request.at("entrypoint_num_cpus").as_double() == 0.25);
  CHECK(request.at("entrypoint_memory").as_int64() == 512LL * 1024 * 1024);
  CHECK_FALSE(request.contains("entrypoint_num_gpus"));
  CHECK_FALSE(request.contains("entrypoint_resources"));
  const auto& metadata = request.at("metadata").as_object();
  CHECK(metadata.size() == 3);
  CHECK(metadata.at("sbx.pid") == "42");
  CHECK(metadata.at("team") == "evals");
}

TEST_CASE("the job runs the agent from the package with only the token's digest", "[ray]") {
  auto with_root = spec;
  with_root.root = "/data/it's here";
  const auto request = make_job_request(sized_options(), with_root);
  CHECK(request.at("entrypoint") ==
        "exec 'python3' 'sbx_ray_agent.py' '--id' 'sbx-0123456789abcdef' '--lifetime' '90' "
        "'--root' '/data/it'\\''s here'");
  const auto& runtime_env = request.at("runtime_env").as_object();
  CHECK(runtime_env.at("working_dir") == "gcs://_ray_pkg_sbx_agent_x.zip");
  CHECK(runtime_env.at("env_vars").as_object() == boost::json::object{{"SBX_AGENT_TOKEN_SHA256", "digest"}});
}

TEST_CASE("gpu requests become entrypoint GPUs and an accelerator resource", "[ray]") {
  auto options = sized_options();
  options.gpu = 2;
  options.gpu_type = "A100";
  const auto request = make_job_request(options, spec);
  CHECK(request.at("entrypoint_num_gpus").as_int64() == 2);
  CHECK(request.at("entrypoint_resources").as_object() == boost::json::object{{"accelerator_type:A100", 0.001}});
}

TEST_CASE("backend_options merge last, objects key by key", "[ray]") {
  auto options = sized_options();
  options.backend_options = boost::json::parse(R"({
    "entrypoint_num_cpus": 3,
    "runtime_env": {"pip": ["requests"]},
    "metadata": {"team": "infra"},
    "entrypoint_resources": {"custom": 1}
  })").as_object();
  const auto request = make_job_request(options, spec);
  CHECK(request.at("entrypoint_num_cpus").as_int64() == 3);
  const auto& runtime_env = request.at("runtime_env").as_object();
  CHECK(runtime_env.at("working_dir") == "gcs://_ray_pkg_sbx_agent_x.zip");
  CHECK(runtime_env.at("pip").as_array().size() == 1);
  CHECK(request.at("metadata").at("team") == "infra");
  CHECK(request.at("metadata").at("sbx.pid") == "42");
  CHECK(request.at("entrypoint_resources").as_object() == boost::json::object{{"custom", 1}});
}

TEST_CASE("the agent package is a zip named after its content", "[ray]") {
  const auto a = make_agent_package("print('a')\n");
  const auto b = make_agent_package("print('b')\n");
  CHECK(a.name.starts_with("_ray_pkg_sbx_agent_"));
  CHECK(a.name.ends_with(".zip"));
  CHECK(a.name != b.name);
  CHECK(a.name == make_agent_package("print('a')\n").name);
  CHECK(a.uri() == "gcs://" + a.name);
  REQUIRE(a.zip.size() > 22);
  CHECK(a.zip.substr(0, 4) == std::string("PK\x03\x04", 4));
  CHECK(a.zip.find("sbx_ray_agent.py") != std::string::npos);
  CHECK(a.zip.substr(a.zip.size() - 22, 4) == std::string("PK\x05\x06", 4));  // no padding after the end record
}

TEST_CASE("sandbox tokens are fresh 256-bit secrets; the agent sees their SHA-256", "[ray]") {
  const auto token = new_token();
  CHECK(token.size() == 64);
  CHECK(token != new_token());
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
