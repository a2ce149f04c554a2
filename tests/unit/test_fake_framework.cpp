// The loopback fake framework's pure parts: routing, fault decisions, multipart bodies,
// sandbox path translation and the bubblewrap command line.
#include "fakes/common/fake_process.hpp"
#include "fakes/common/faults.hpp"
#include "fakes/common/multipart.hpp"
#include "fakes/common/router.hpp"
#include "fakes/common/sandbox_paths.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace sbx_fake;
using namespace std::string_literals;

TEST_CASE("fake router: literal segments, captures, method mismatch", "[fake]") {
  router r;
  r.add(http::verb::get, "/sandboxes/{id}", [](exchange&) -> awaitable<void> { co_return; });
  r.add(http::verb::post, "/sandboxes", [](exchange&) -> awaitable<void> { co_return; });
  const auto m = r.match(http::verb::get, "/sandboxes/abc");
  REQUIRE(m);
  CHECK(m->params.at("id") == "abc");
  bool mismatch = false;
  CHECK_FALSE(r.match(http::verb::delete_, "/sandboxes/abc", &mismatch));
  CHECK(mismatch);
  CHECK_FALSE(r.match(http::verb::get, "/sandboxes/abc/extra", &mismatch));
  CHECK_FALSE(mismatch);
  CHECK(r.match(http::verb::post, "/sandboxes/"));
}

TEST_CASE("fake faults: the Nth request and rates, deterministic per seed", "[fake]") {
  fault_injector faults;
  faults.configure(fault_config::from_json({{"nth", {{"2", "reset"}, {"3", "hang"}}}}));
  CHECK(faults.decide() == fault_kind::none);
  CHECK(faults.decide() == fault_kind::reset);
  CHECK(faults.decide() == fault_kind::hang);
  CHECK(faults.decide() == fault_kind::none);

  faults.configure(fault_config::from_json({{"rate_429", 0.1}, {"rate_5xx", 0.1}, {"rate_reset", 0.05}, {"seed", 7}}));
  std::vector<fault_kind> first;
  for (int i = 0; i < 10000; ++i) first.push_back(faults.decide());
  const auto count = [&](fault_kind k) { return std::count(first.begin(), first.end(), k); };
  CHECK(count(fault_kind::rate_limited) == Approx(1000).epsilon(0.15));
  CHECK(count(fault_kind::server_error) == Approx(1000).epsilon(0.15));
  CHECK(count(fault_kind::reset) == Approx(500).epsilon(0.2));
  CHECK(faults.counters().rate_limited == static_cast<std::uint64_t>(count(fault_kind::rate_limited)));
  faults.configure(faults.config());
  for (int i = 0; i < 100; ++i) CHECK(faults.decide() == first[static_cast<std::size_t>(i)]);
}

TEST_CASE("fake faults: paths limit what is affected; bad settings name the key", "[fake]") {
  fault_injector faults;
  faults.configure(fault_config::from_json({{"paths", {"/sandboxes"}}}));
  CHECK(faults.affects("/sandboxes/x"));
  CHECK_FALSE(faults.affects("/files"));
  CHECK_THROWS_WITH(fault_config::from_json({{"rate_429", 2}}), Catch::Contains("rate_429"));
  CHECK_THROWS_WITH(fault_config::from_json({{"nth", {{"x", "reset"}}}}), Catch::Contains("nth"));
  CHECK_THROWS_WITH(fault_config::from_json({{"nth", {{"1", "explode"}}}}), Catch::Contains("explode"));
  CHECK_THROWS_WITH(fault_config::from_json({{"rate_5xx", 0.6}, {"rate_reset", 0.6}}), Catch::Contains("more than 1"));
  const auto round_trip = fault_config::from_json(fault_config::from_json({{"latency_ms", 50}, {"retry_after", "0"}}).to_json());
  CHECK(round_trip.latency.count() == 50);
  CHECK(round_trip.retry_after == "0");
}

TEST_CASE("fake multipart: parts with names, filenames and binary content", "[fake]") {
  const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"/home/user/a.bin\"\r\n"
                           "Content-Type: application/octet-stream\r\n\r\n\x00\r\n\xff\r\n--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--XyZ--\r\n"s;
  const std::string content("\x00\r\n\xff", 4);
  CHECK(multipart_boundary("multipart/form-data; boundary=XyZ") == "XyZ");
  CHECK(multipart_boundary("multipart/form-data; boundary=\"q\"") == "q");
  CHECK_FALSE(multipart_boundary("application/json"));
  const auto parts = parse_multipart(body, "XyZ");
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].name == "file");
  CHECK(parts[0].filename == "/home/user/a.bin");
  CHECK(parts[0].content == content);
  CHECK(parts[1].name == "other");
  CHECK(parts[1].content == "v");
  CHECK_THROWS_AS(parse_multipart("garbage", "XyZ"), std::invalid_argument);
}

TEST_CASE("fake sandbox paths: private mounts, the read-only rest, and back", "[fake]") {
  const sandbox_paths paths({{"/home/user", "/r/s1/home_user"}, {"/tmp", "/r/s1/tmp"}}, "/home/user");
  CHECK(paths.resolve("a/b") == "/home/user/a/b");
  CHECK(paths.resolve("~/x") == "/home/user/x");
  CHECK(paths.resolve("~") == "/home/user");
  CHECK(paths.resolve("/tmp/../etc") == "/etc");
  CHECK(paths.writable("/home/user/a") == std::filesystem::path("/r/s1/home_user/a"));
  CHECK(paths.writable("/home/user") == std::filesystem::path("/r/s1/home_user"));
  CHECK_FALSE(paths.writable("/home/username"));
  CHECK_FALSE(paths.writable("/etc/passwd"));
  CHECK(paths.readable("/etc/passwd") == std::filesystem::path("/etc/passwd"));
  CHECK(paths.to_sandbox("/r/s1/tmp/x y") == "/tmp/x y");
}

TEST_CASE("fake commands: bubblewrap binds the mounts, chdirs and unshares the network on request", "[fake]") {
  const sandbox_paths paths({{"/home/user", "/r/s1/home_user"}, {"/tmp", "/r/s1/tmp"}}, "/home/user");
  const runner_options runner{.bwrap = "/usr/bin/bwrap", .path_variable = "/usr/bin"};
  const auto online = bwrap_command(runner, paths, true, "/home/user", {"echo", "hi"});
  CHECK(online.front() == "/usr/bin/bwrap");
  CHECK(std::find(online.begin(), online.end(), "--unshare-net") == online.end());
  const std::vector<std::string> home_bind{"--bind", "/r/s1/home_user", "/home/user"};
  CHECK(std::search(online.begin(), online.end(), home_bind.begin(), home_bind.end()) != online.end());
  CHECK(std::vector<std::string>(online.end() - 2, online.end()) == std::vector<std::string>{"echo", "hi"});
  const auto offline = bwrap_command(runner, paths, false, "/tmp", {"true"});
  CHECK(std::find(offline.begin(), offline.end(), "--unshare-net") != offline.end());
}
