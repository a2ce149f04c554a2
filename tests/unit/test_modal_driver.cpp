// The Modal driver against its loopback fake: tokens and router JWTs stay out of
// errors and logs, an ambiguous SandboxCreate never doubles a sandbox, a refused one
// is tried again, and sweep keeps live sandboxes.
#if SBX_WITH_MODAL
#include "drivers/modal/modal_errors.hpp"
#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
#include "sbx/sbx.hpp"
#include "support/run.hpp"
#include "support/secrets_check.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using sbx::awaitable;

namespace {

using sbx_test::captured_log;

const std::string token_id = "ak-unit-modal-271828";
const std::string token_secret = "as-unit-modal-secret-161803";

sbx_fake::fake_launcher start_fake(std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--token-id", token_id, "--token-secret", token_secret};
  args.insert(args.end(), extra.begin(), extra.end());
  return sbx_fake::fake_launcher(sbx_fake::fake_program("modal"), std::move(args));
}

std::string grpc_url(const sbx_fake::fake_launcher& fake) {
  const auto info = boost::json::parse(sbx_fake::plain_request(fake.url(), "GET", "/_fake/modal").body);
  return std::string(info.at("grpc_url").as_string());
}

sbx::ClientOptions options_for(const sbx_fake::fake_launcher& fake, const std::string& secret = token_secret) {
  sbx::ClientOptions o;
  o.driver_options = {{"server_url", grpc_url(fake)}, {"token_id", token_id}, {"token_secret", secret},
                      {"create_rate", 0}, {"retry_base_delay_ms", 5}};
  return o;
}

}  // namespace

TEST_CASE("modal driver: a rejected token gives a configuration error without the secret", "[modal]") {
  auto fake = start_fake();
  captured_log log;
  const auto what = sbx_test::run([&]() -> awaitable<std::string> {
    auto client = co_await sbx::Client::connect("modal", options_for(fake, "as-wrong-secret-000"));
    try {
      co_await client.create({});
    } catch (const sbx::SandboxConfigurationError& e) {
      co_return std::string(e.what());
    }
    co_return std::string("no configuration error");
  }());
  CHECK(what.find("rejected the token") != std::string::npos);
  CHECK(what.find("as-wrong-secret-000") == std::string::npos);
  CHECK(what.find(token_id) == std::string::npos);
  CHECK(log.text.find("as-wrong-secret-000") == std::string::npos);
}

TEST_CASE("modal driver: status messages are redacted of every secret", "[modal]") {
  const std::vector<std::string> secrets{token_secret, "jwt-abc"};
  try {
    sbx::drivers::modal::throw_status(grpc::Status(grpc::StatusCode::INTERNAL, "boom " + token_secret + " jwt-abc"),
                                      "exec", "TaskExecStart", secrets);
  } catch (const sbx::SandboxExecutionError& e) {
    const std::string what = e.what();
    CHECK(what.find(token_secret) == std::string::npos);
    CHECK(what.find("jwt-abc") == std::string::npos);
    CHECK(what.find("***") != std::string::npos);
    CHECK(e.retryable());
  }
}

TEST_CASE("modal driver: a work session logs no token, secret or router JWT", "[modal]") {
  auto fake = start_fake();
  captured_log log;
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("modal", options_for(fake));
    auto sb = co_await client.create({});
    co_await sb.write_file("a.txt", "x");
    const auto r = co_await sb.exec("cat a.txt");
    CHECK(r.std_out == "x");
    co_await sb.destroy();
  }());
  CHECK(log.text.find(token_secret) == std::string::npos);
  CHECK(log.text.find(token_id) == std::string::npos);
  CHECK(log.text.find("jwt-") == std::string::npos);
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("modal driver: a SandboxCreate whose answer is lost is adopted, not doubled", "[modal]") {
  auto fake = start_fake({"--fail-nth", "1:drop", "--fault-path", "/modal.client.ModalClient/SandboxCreate"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("modal", options_for(fake));
    auto sb = co_await client.create({});
    const auto r = co_await sb.exec("echo adopted");
    CHECK(r.std_out == "adopted\n");
    CHECK(fake.live_sandboxes() == 1);
    co_await sb.destroy();
  }());
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("modal driver: a RESOURCE_EXHAUSTED SandboxCreate is tried again", "[modal]") {
  auto fake = start_fake({"--fail-nth", "1:429", "--fault-path", "/modal.client.ModalClient/SandboxCreate"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("modal", options_for(fake));
    auto sb = co_await client.create({});
    CHECK(fake.live_sandboxes() == 1);
    co_await sb.destroy();
  }());
  CHECK(fake.stats().at("faults").at("429").to_number<int>() == 1);
}

TEST_CASE("modal driver: transient UNAVAILABLE answers of idempotent calls are retried", "[modal]") {
  auto fake = start_fake({"--fail-nth", "1:5xx", "--fail-nth", "2:reset", "--fault-path",
                          "/modal.task_command_router.TaskCommandRouter/TaskExecStart"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("modal", options_for(fake));
    auto sb = co_await client.create({});
    const auto r = co_await sb.exec("echo through");
    CHECK(r.std_out == "through\n");
    co_await sb.destroy();
  }());
}
#endif
