// The E2B driver against its loopback fake: secrets stay out of errors and logs,
// ambiguous creates never double a sandbox, definite refusals are not retried, and
// sweep tells orphans from live sandboxes.
#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
#include "owner_labels.hpp"
#include "sbx/sbx.hpp"
#include "support/run.hpp"
#include "support/secrets_check.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <mutex>

using sbx::awaitable;

namespace {

using sbx_test::captured_log;
using sbx_test::what_of;

const std::string api_key = "e2b_unit_secret_key_31415";

sbx_fake::fake_launcher start_fake(std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--api-key", api_key};
  args.insert(args.end(), extra.begin(), extra.end());
  return sbx_fake::fake_launcher(sbx_fake::fake_program("e2b"), std::move(args));
}

sbx::ClientOptions options_for(const sbx_fake::fake_launcher& fake, const std::string& key = api_key) {
  sbx::ClientOptions o;
  o.driver_options = {{"api_url", fake.url()}, {"envd_url", fake.url()}, {"api_key", key},
                      {"create_rate", 0}, {"retry_base_delay_ms", 5}};
  return o;
}

// Note: co_await stays out of CHECK: g++ 12 evaluates Catch's unevaluated operand in
// coroutines, repeating the operation.

// (Built outside coroutines: GCC 12 mishandles initializer lists in coroutine frames.)
std::string access_token(const sbx_fake::fake_launcher& fake, const std::string& sandbox_id) {
  const auto detail = sbx_fake::plain_request(fake.url(), "GET", "/sandboxes/" + sandbox_id, {}, {{"X-API-Key", api_key}});
  return std::string(boost::json::parse(detail.body).at("envdAccessToken").as_string());
}

sbx::CreateOptions without_template() {
  sbx::CreateOptions options;
  options.backend_options = {{"templateID", ""}};
  return options;
}

sbx::SessionState unknown_sandbox() { return {"e2b", {{"sandbox_id", "nope"}}}; }

}  // namespace

TEST_CASE("e2b driver: API keys and access tokens never appear in errors or logs", "[e2b][fake]") {
  auto fake = start_fake();
  captured_log log;
  std::vector<std::string> errors;

  errors.push_back(what_of([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("e2b", options_for(fake, "e2b_wrong_key_27182"));
    co_await client.sweep();
  }()));
  CHECK(errors.back().find("rejected the API key") != std::string::npos);
  CHECK(errors.back().find("e2b_wrong_key_27182") == std::string::npos);

  std::string token;
  errors.push_back(what_of([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("e2b", options_for(fake));
    auto sb = co_await client.create();
    token = access_token(fake, sb.id());
    std::string failure;
    try {
      co_await sb.read_file("no/such/file");
    } catch (const sbx::SandboxNotFoundError& e) {
      failure = e.what();
    }
    co_await sb.destroy();
    throw sbx::SandboxExecutionError(failure);
  }()));
  REQUIRE_FALSE(token.empty());
  CHECK(errors.back().find("read_file") != std::string::npos);

  errors.push_back(what_of([&]() -> awaitable<void> {
    auto options = options_for(fake);
    options.driver_options["api_url"] = "http://127.0.0.1:1";
    auto client = co_await sbx::Client::connect("e2b", options);
    co_await client.resume(unknown_sandbox());
  }()));
  CHECK(errors.back().find("cannot connect") != std::string::npos);

  for (const auto& text : {errors[0], errors[1], errors[2], log.text}) {
    CHECK(text.find(api_key) == std::string::npos);
    CHECK(text.find(token) == std::string::npos);
  }
}

TEST_CASE("e2b driver: a create whose answer was lost adopts the sandbox instead of making another", "[e2b][fake]") {
  auto fake = start_fake({"--fail-nth", "1:drop", "--fault-path", "/sandboxes"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("e2b", options_for(fake));
    auto sb = co_await client.create();
    CHECK(fake.live_sandboxes() == 1);
    CHECK(fake.counter("created") == 1);
    const auto r = co_await sb.exec("echo adopted");
    CHECK(r.std_out == "adopted\n");
    co_await sb.destroy();
  }());
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("e2b driver: a create answered 502 is checked by nonce, then made once", "[e2b][fake]") {
  auto fake = start_fake({"--fail-nth", "1:5xx", "--status-5xx", "502", "--fault-path", "/sandboxes"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("e2b", options_for(fake));
    auto sb = co_await client.create();
    CHECK(fake.counter("created") == 1);
    co_await sb.destroy();
  }());
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("e2b driver: a create refused with 503 is made again, without a nonce check", "[e2b][fake]") {
  auto fake = start_fake({"--fail-nth", "1:5xx", "--status-5xx", "503"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("e2b", options_for(fake));
    auto sb = co_await client.create();
    co_await sb.destroy();
  }());
  CHECK(fake.counter("requests") == 3);  // POST 503, POST 201, DELETE
  CHECK(fake.counter("created") == 1);
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("e2b driver: a definite refusal is reported, not retried", "[e2b][fake]") {
  auto fake = start_fake();
  const auto what = what_of([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("e2b", options_for(fake));
    co_await client.create(without_template());
  }());
  CHECK(what.find("HTTP 400") != std::string::npos);
  CHECK(fake.counter("requests") == 1);
  CHECK(fake.counter("created") == 0);
}

TEST_CASE("e2b driver: sweep removes orphans of dead processes and keeps live sandboxes", "[e2b][fake]") {
  auto fake = start_fake();
  const auto orphan_body = boost::json::serialize(boost::json::object{
      {"templateID", "base"},
      {"timeout", 600},
      {"metadata", {{"sbx.library", "sbx"}, {"sbx.host", sbx::detail::host_name()}, {"sbx.pid", "999999999"}}}});
  const auto orphan = sbx_fake::plain_request(fake.url(), "POST", "/sandboxes", orphan_body, {{"X-API-Key", api_key}});
  REQUIRE(orphan.status == 201);
  const std::string orphan_id = boost::json::parse(orphan.body).at("sandboxID").as_string().c_str();
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("e2b", options_for(fake));
    auto live = co_await client.create();
    const auto report = co_await client.sweep();
    CHECK(report.removed == std::vector<std::string>{orphan_id});
    CHECK(report.kept == 1);
    const auto r = co_await live.exec("echo still here");
    CHECK(r.exit_code == 0);
    co_await live.destroy();
  }());
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("e2b driver: with an old envd, stdin is closed explicitly and uploads are multipart", "[e2b][fake]") {
  auto fake = start_fake({"--envd-version", "0.2.9"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("e2b", options_for(fake));
    auto sb = co_await client.create();
    const auto cat = co_await sb.exec("cat; echo done");  // stdin stays open on envd < 0.3.0
    CHECK(cat.std_out == "done\n");
    const auto bytes = std::string("\0\r\n--x\xff", 7);
    co_await sb.write_file("old/envd.bin", bytes);
    const auto back = co_await sb.read_file("old/envd.bin");
    CHECK(back == bytes);
    co_await sb.destroy();
  }());
}
