// The Daytona driver against its loopback fake: secrets stay out of errors and logs,
// ambiguous creates never double a sandbox, definite refusals are not retried, 429s
// with Daytona's per-bucket headers are waited out, a sandbox still starting is waited
// for, and sweep tells orphans from live sandboxes.
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

const std::string api_key = "dtn_unit_secret_key_27182";

sbx_fake::fake_launcher start_fake(std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--api-key", api_key};
  args.insert(args.end(), extra.begin(), extra.end());
  return sbx_fake::fake_launcher(sbx_fake::fake_program("daytona"), std::move(args));
}

sbx::ClientOptions options_for(const sbx_fake::fake_launcher& fake, const std::string& key = api_key) {
  sbx::ClientOptions o;
  o.driver_options = {{"api_url", fake.url() + "/api"}, {"api_key", key}, {"create_rate", 0},
                      {"retry_base_delay_ms", 5}};
  return o;
}

std::uint64_t faults(const sbx_fake::fake_launcher& fake, const char* kind) {
  return fake.stats().at("faults").at(kind).to_number<std::uint64_t>();
}

sbx::SessionState unknown_sandbox() { return {"daytona", {{"sandbox_id", "nope"}}}; }

// Resources without an image: Daytona refuses them with a snapshot (HTTP 400).
sbx::CreateOptions refused_options() {
  sbx::CreateOptions options;
  options.backend_options = {{"cpu", 2}};
  return options;
}

sbx::CreateOptions from_image() {
  sbx::CreateOptions options;
  options.image = "python:3.12-slim";
  options.cpu = 2;
  options.memory_mb = 2048;
  return options;
}

}  // namespace

TEST_CASE("daytona driver: the API key never appears in errors or logs", "[daytona][fake]") {
  auto fake = start_fake();
  captured_log log;
  std::vector<std::string> errors;

  errors.push_back(what_of([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("daytona", options_for(fake, "dtn_wrong_key_16180"));
    co_await client.sweep();
  }()));
  CHECK(errors.back().find("rejected the API key") != std::string::npos);
  CHECK(errors.back().find("dtn_wrong_key_16180") == std::string::npos);

  errors.push_back(what_of([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("daytona", options_for(fake));
    auto sb = co_await client.create();
    std::string failure;
    try {
      co_await sb.read_file("no/such/file");
    } catch (const sbx::SandboxNotFoundError& e) {
      failure = e.what();
    }
    const auto r = co_await sb.exec("echo fine");
    CHECK(r.std_out == "fine\n");
    co_await sb.destroy();
    throw sbx::SandboxExecutionError(failure);
  }()));
  CHECK(errors.back().find("read_file") != std::string::npos);

  errors.push_back(what_of([&]() -> awaitable<void> {
    auto options = options_for(fake);
    options.driver_options["api_url"] = "http://127.0.0.1:1/api";
    auto client = co_await sbx::Client::connect("daytona", options);
    co_await client.resume(unknown_sandbox());
  }()));
  CHECK(errors.back().find("cannot connect") != std::string::npos);

  for (const auto& text : {errors[0], errors[1], errors[2], log.text}) CHECK(text.find(api_key) == std::string::npos);
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("daytona driver: a create whose answer was lost adopts the sandbox instead of making another",
          "[daytona][fake]") {
  auto fake = start_fake({"--fail-nth", "1:drop", "--fault-path", "/api/sandbox"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("daytona", options_for(fake));
    auto sb = co_await client.create();
    CHECK(fake.live_sandboxes() == 1);
    CHECK(fake.counter("created") == 1);
    const auto r = co_await sb.exec("echo adopted");
    CHECK(r.std_out == "adopted\n");
    co_await sb.destroy();
  }());
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("daytona driver: a create answered 502 is looked up by nonce, then made once", "[daytona][fake]") {
  auto fake = start_fake({"--fail-nth", "1:5xx", "--status-5xx", "502", "--fault-path", "/api/sandbox"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("daytona", options_for(fake));
    auto sb = co_await client.create();
    CHECK(fake.counter("created") == 1);
    co_await sb.destroy();
  }());
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("daytona driver: a create rate-limited with Retry-After-sandbox-create is sent again", "[daytona][fake]") {
  auto fake = start_fake({"--fail-nth", "1:429", "--retry-after", "0", "--fault-path", "/api/sandbox"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("daytona", options_for(fake));
    auto sb = co_await client.create();
    co_await sb.destroy();
  }());
  CHECK(faults(fake, "429") == 1);
  CHECK(fake.counter("requests") == 3);  // POST 429, POST 200, DELETE
  CHECK(fake.counter("created") == 1);
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("daytona driver: the toolbox's 429s are retried; commands, files and output stay exact", "[daytona][fake]") {
  auto fake = start_fake({"--rate-429", "0.3", "--retry-after", "0", "--fault-path", "/toolbox", "--seed", "7"});
  sbx_test::run([&]() -> awaitable<void> {
    auto options = options_for(fake);
    options.driver_options["retry_attempts"] = 10;
    auto client = co_await sbx::Client::connect("daytona", options);
    auto sb = co_await client.create();
    const auto bytes = std::string("\0\xff\r\n--x", 7);
    co_await sb.write_file("rate/limited.bin", bytes);
    const auto back = co_await sb.read_file("rate/limited.bin");
    CHECK(back == bytes);
    const auto r = co_await sb.exec("printf out; printf err >&2; exit 5");
    CHECK(r.std_out == "out");
    CHECK(r.std_err == "err");
    CHECK(r.exit_code == 5);
    co_await sb.destroy();
  }());
  CHECK(faults(fake, "429") > 0);
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("daytona driver: a definite refusal is reported, not retried", "[daytona][fake]") {
  auto fake = start_fake();
  const auto what = what_of([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("daytona", options_for(fake));
    co_await client.create(refused_options());
  }());
  CHECK(what.find("HTTP 400") != std::string::npos);
  CHECK(what.find("Cannot specify Sandbox resources") != std::string::npos);
  CHECK(fake.counter("requests") == 1);
  CHECK(fake.counter("created") == 0);
}

TEST_CASE("daytona driver: a sandbox still starting is waited for; images carry resources", "[daytona][fake]") {
  auto fake = start_fake({"--start-delay-ms", "300"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("daytona", options_for(fake));
    auto sb = co_await client.create(from_image());
    const auto detail = sbx_fake::plain_request(fake.url(), "GET", "/api/sandbox/" + sb.id(), {},
                                                {{"Authorization", "Bearer " + api_key}});
    const auto object = boost::json::parse(detail.body);
    CHECK(object.at("state") == "started");
    CHECK(object.at("cpu") == 2);
    CHECK(object.at("memory") == 2);
    CHECK(object.at("autoDeleteInterval") == 0);
    const auto r = co_await sb.exec("echo up");
    CHECK(r.std_out == "up\n");
    co_await sb.destroy();
  }());
  CHECK(fake.counter("requests") > 4);  // create, at least one poll, exec calls, delete
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("daytona driver: sweep removes orphans of dead processes and keeps live sandboxes", "[daytona][fake]") {
  auto fake = start_fake();
  const auto orphan_body = boost::json::serialize(boost::json::object{
      {"labels", {{"sbx.library", "sbx"}, {"sbx.host", sbx::detail::host_name()}, {"sbx.pid", "999999999"}}}});
  const auto orphan = sbx_fake::plain_request(fake.url(), "POST", "/api/sandbox", orphan_body,
                                              {{"Authorization", "Bearer " + api_key}});
  REQUIRE(orphan.status == 200);
  const std::string orphan_id = boost::json::parse(orphan.body).at("id").as_string().c_str();
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("daytona", options_for(fake));
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
