// The Tensorlake driver against its loopback fake: files are binary-safe, env vars
// reach every command (also after resume), secrets stay out of errors and logs,
// destroy really deletes, ambiguous creates never double a sandbox, and sweep tells
// orphans from live sandboxes.
#include "fakes/common/fake_launcher.hpp"
#include "fakes/common/fake_programs.hpp"
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

const std::string api_key = "tl_unit_secret_key_27182818";

sbx_fake::fake_launcher start_fake(std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--api-key", api_key};
  args.insert(args.end(), extra.begin(), extra.end());
  return sbx_fake::fake_launcher(sbx_fake::fake_program("tensorlake"), std::move(args));
}

sbx::ClientOptions options_for(const sbx_fake::fake_launcher& fake, const std::string& key = api_key) {
  sbx::ClientOptions o;
  o.driver_options = {{"api_url", fake.url()}, {"api_key", key}, {"create_rate", 0},
                      {"retry_base_delay_ms", 5}, {"poll_interval_ms", 50}};
  return o;
}

std::string every_byte(std::size_t repeat) {
  std::string out;
  for (std::size_t r = 0; r < repeat; ++r)
    for (int b = 0; b < 256; ++b) out.push_back(static_cast<char>(b));
  return out;
}

unsigned lookup_status(const sbx_fake::fake_launcher& fake, const std::string& id) {
  return sbx_fake::plain_request(fake.url(), "GET", "/sandboxes/" + id, {}, {{"Authorization", "Bearer " + api_key}})
      .status;
}

sbx::CreateOptions with_env() {
  sbx::CreateOptions options;
  options.env_vars = {{"SBX_QUOTED", "it's \"quoted\"\nand multi-line"}, {"SBX_PLAIN", "from create"}};
  return options;
}

sbx::ExecOptions per_exec_env() {
  sbx::ExecOptions options;
  options.env = {{"SBX_PLAIN", "per exec"}};
  return options;
}

}  // namespace

TEST_CASE("tensorlake driver: files are binary-safe both ways, exec output too", "[tensorlake][fake]") {
  auto fake = start_fake();
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("tensorlake", options_for(fake));
    auto sb = co_await client.create();
    const auto bytes = every_byte(64);
    co_await sb.write_file("deep/dir/all.bin", bytes);
    const auto back = co_await sb.read_file("deep/dir/all.bin");
    CHECK(back == bytes);
    const auto cat = co_await sb.exec("cat deep/dir/all.bin");
    CHECK(cat.std_out == bytes);
    const auto tail = co_await sb.exec("printf 'no newline at the end X'; printf 'X' >&2");
    CHECK(tail.std_out == "no newline at the end X");
    CHECK(tail.std_err == "X");
    co_await sb.destroy();
  }());
}

// The wrapper's output encoders killed by the command itself: the exit is a normal 0
// but the stdout sentinel never arrives. That is lost output, not a complete result.
// A wrapper killed by a signal (exit 128 + n) returns what arrived, like any killed command.
TEST_CASE("tensorlake driver: output lost before its sentinel is an error, not a short result", "[tensorlake][fake]") {
  auto fake = start_fake();
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("tensorlake", options_for(fake));
    auto sb = co_await client.create();
    std::string lost_error;
    try {
      // pkill -g 0: only the command's own process group (the wrapper and its encoders);
      // SIGPIPE, as shells report no death by it (the stream stays well-formed).
      co_await sb.exec("trap '' PIPE; echo before; sleep 0.2; pkill -PIPE -g 0 -x sed; exit 0");
    } catch (const sbx::SandboxExecutionError& e) {
      lost_error = e.what();
    }
    CHECK_THAT(lost_error, Catch::Contains("output was lost"));
    const auto killed = co_await sb.exec("echo partial; kill -KILL 0");
    CHECK(killed.exit_code == 137);
    CHECK(std::string_view("partial\n").starts_with(killed.std_out));  // what arrived is real output
    const auto fine = co_await sb.exec("echo still usable");
    CHECK(fine.std_out == "still usable\n");
    co_await sb.destroy();
  }());
}

TEST_CASE("tensorlake driver: env vars reach every command, per-exec values win, resume keeps them", "[tensorlake][fake]") {
  auto fake = start_fake();
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("tensorlake", options_for(fake));
    auto sb = co_await client.create(with_env());
    const auto quoted = co_await sb.exec("printf %s \"$SBX_QUOTED\"");
    CHECK(quoted.std_out == "it's \"quoted\"\nand multi-line");
    const auto overridden = co_await sb.exec("printf %s \"$SBX_PLAIN\"", per_exec_env());
    CHECK(overridden.std_out == "per exec");
    auto other = co_await sbx::Client::connect("tensorlake", options_for(fake));
    auto resumed = co_await other.resume(sbx::SessionState::from_json(sb.session_state().to_json()));
    const auto again = co_await resumed.exec("printf %s \"$SBX_PLAIN\"");
    CHECK(again.std_out == "from create");
    co_await sb.destroy();
  }());
}

TEST_CASE("tensorlake driver: destroy deletes the sandbox on the provider", "[tensorlake][fake]") {
  auto fake = start_fake();
  std::string id;
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("tensorlake", options_for(fake));
    auto sb = co_await client.create();
    id = sb.id();
    co_await sb.destroy();
    co_await sb.destroy();
  }());
  CHECK(fake.live_sandboxes() == 0);
  CHECK(fake.counter("removed") == 1);
  CHECK(lookup_status(fake, id) == 404);
}

TEST_CASE("tensorlake driver: the token never appears in errors or logs", "[tensorlake][fake]") {
  auto fake = start_fake();
  captured_log log;
  std::vector<std::string> errors;
  errors.push_back(what_of([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("tensorlake", options_for(fake, "tl_wrong_key_16180339"));
    co_await client.create();
  }()));
  CHECK(errors.back().find("rejected the credentials") != std::string::npos);
  CHECK(errors.back().find("tl_wrong_key_16180339") == std::string::npos);
  errors.push_back(what_of([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("tensorlake", options_for(fake));
    auto sb = co_await client.create();
    std::string failure;
    try {
      co_await sb.read_file("/tmp/no/such/file");
    } catch (const sbx::SandboxNotFoundError& e) {
      failure = e.what();
    }
    co_await sb.destroy();
    throw sbx::SandboxExecutionError(failure);
  }()));
  CHECK(errors.back().find("read_file") != std::string::npos);
  errors.push_back(what_of([&]() -> awaitable<void> {
    auto options = options_for(fake);
    options.driver_options["api_url"] = "http://127.0.0.1:1";
    auto client = co_await sbx::Client::connect("tensorlake", options);
    co_await client.sweep();
  }()));
  CHECK(errors.back().find("cannot connect") != std::string::npos);
  for (const auto& text : {errors[0], errors[1], errors[2], log.text}) CHECK(text.find(api_key) == std::string::npos);
  CHECK(log.text.find("tl_wrong_key_16180339") == std::string::npos);
}

TEST_CASE("tensorlake driver: a create whose answer was lost adopts the sandbox by name", "[tensorlake][fake]") {
  auto fake = start_fake({"--fail-nth", "1:drop", "--fault-path", "/v1/namespaces/default/sandboxes"});
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("tensorlake", options_for(fake));
    auto sb = co_await client.create();
    CHECK(fake.live_sandboxes() == 1);
    CHECK(fake.counter("created") == 1);
    const auto r = co_await sb.exec("echo adopted");
    CHECK(r.std_out == "adopted\n");
    co_await sb.destroy();
  }());
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("tensorlake driver: a sandbox that fails to start is deleted and reported", "[tensorlake][fake]") {
  auto fake = start_fake();
  const auto what = what_of([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("tensorlake", options_for(fake));
    sbx::CreateOptions missing;
    missing.image = "sbx-fake/missing";
    co_await client.create(std::move(missing));
  }());
  CHECK(what.find("terminated") != std::string::npos);
  CHECK(what.find("ImageNotFound") != std::string::npos);
  CHECK(fake.live_sandboxes() == 0);
}

TEST_CASE("tensorlake driver: sweep removes expired or orphaned sbx sandboxes and keeps live ones", "[tensorlake][fake]") {
  auto fake = start_fake();
  const auto orphan = sbx_fake::plain_request(fake.url(), "POST", "/sandboxes", R"({"name":"sbx-00000000-1-1-deadbeef"})",
                                              {{"Authorization", "Bearer " + api_key}});
  REQUIRE(orphan.status == 200);
  const std::string orphan_id = boost::json::parse(orphan.body).at("sandbox_id").as_string().c_str();
  const auto foreign = sbx_fake::plain_request(fake.url(), "POST", "/sandboxes", R"({"name":"someone-else"})",
                                               {{"Authorization", "Bearer " + api_key}});
  REQUIRE(foreign.status == 200);
  sbx_test::run([&]() -> awaitable<void> {
    auto client = co_await sbx::Client::connect("tensorlake", options_for(fake));
    auto live = co_await client.create();
    const auto report = co_await client.sweep();
    CHECK(report.removed == std::vector<std::string>{orphan_id});
    CHECK(report.kept == 1);
    const auto r = co_await live.exec("echo still here");
    CHECK(r.exit_code == 0);
    co_await live.destroy();
  }());
  CHECK(fake.live_sandboxes() == 1);  // the sandbox that is not this library's stays
}
