// Transport behaviour against in-process loopback servers: keep-alive, pool bounds,
// streaming, upgrades, retries, timeouts, cancellation and secret-free errors.
#include "http/client.hpp"

#include <catch2/catch.hpp>

#include "sbx/errors.hpp"
#include "test_http_loopback.hpp"

// Note: never co_await inside CHECK/REQUIRE: g++ 12 evaluates the operand of Catch's
// unevaluated `false && (expr)` guard in coroutines, repeating the request.

using namespace sbx_http_test;
using namespace boost::asio::experimental::awaitable_operators;
namespace sh = sbx::http;
using clock_type = std::chrono::steady_clock;

namespace {

sh::client_options fast_options() {
  sh::client_options o;
  o.backend = "test";
  o.retry.base_delay = 5ms;
  o.retry.max_delay = 20ms;
  o.request_timeout = 5s;
  o.connect_timeout = 2s;
  return o;
}

sh::request get(std::string target = "/") {
  sh::request r;
  r.target = std::move(target);
  return r;
}

sh::request post(std::string target, std::string body = "{}") {
  sh::request r;
  r.method = sh::verb::post;
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

handler respond_ok(std::string body = "ok") {
  return [body](exchange& ex) -> asio::awaitable<void> { co_await ex.respond(200, body); };
}

/// A port on 127.0.0.1 where nothing listens.
unsigned short closed_port() {
  asio::io_context ctx;
  asio::ip::tcp::acceptor acc(ctx, {asio::ip::make_address("127.0.0.1"), 0});
  return acc.local_endpoint().port();
}

}  // namespace

TEST_CASE("http client: sequential requests reuse one keep-alive connection", "[http][client]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange& ex) -> asio::awaitable<void> {
    co_await ex.respond(200, std::string(ex.req.target()));
  });
  sh::client c(sh::make_connection_pool(), server.url, fast_options());
  run(ctx, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 10; ++i) {
      auto r = co_await c.send(get("/n/" + std::to_string(i)));
      CHECK(r.status == 200);
      CHECK(r.body == "/n/" + std::to_string(i));
    }
  }());
  CHECK(server.stats().requests == 10);
  CHECK(server.stats().accepted == 1);
}

TEST_CASE("http client: base path and headers reach the server", "[http][client]") {
  asio::io_context ctx;
  std::string seen_target, seen_host, seen_key, seen_body;
  auto server = loopback_server::tcp(ctx, [&](exchange& ex) -> asio::awaitable<void> {
    seen_target = std::string(ex.req.target());
    seen_host = std::string(ex.req[bhttp::field::host]);
    seen_key = std::string(ex.req["X-API-Key"]);
    seen_body = ex.req.body();
    co_await ex.respond(201, "created", "X-Id: 42\r\n");
  });
  sh::client c(sh::make_connection_pool(), server.url + "/api/", fast_options());
  auto req = post("/sandboxes?x=1", R"({"a":1})");
  req.headers.set_sensitive("X-API-Key", "k");
  auto r = run(ctx, c.send(req));
  CHECK(r.status == 201);
  CHECK(r.headers.get("x-id") == "42");
  CHECK(seen_target == "/api/sandboxes?x=1");
  CHECK(seen_host == "127.0.0.1:" + std::to_string(server.port));
  CHECK(seen_key == "k");
  CHECK(seen_body == R"({"a":1})");
}

TEST_CASE("http client: the pool bound holds under 200 concurrent requests", "[http][client][pool]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange& ex) -> asio::awaitable<void> {
    co_await sleep_for(2ms);
    co_await ex.respond(200, "ok");
  });
  auto pool = sh::make_connection_pool({.max_per_host = 8, .max_total = 16});
  sh::client c(pool, server.url, fast_options());
  int ok = 0;
  std::size_t peak_waiting = 0;
  run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    int remaining = 200;
    asio::steady_timer done(ex, clock_type::time_point::max());
    for (int i = 0; i < 200; ++i) {
      asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
        auto r = co_await c.send(get());
        if (r.status == 200) ++ok;
        peak_waiting = std::max(peak_waiting, pool->waiting_count());
        if (--remaining == 0) done.cancel();
      }, asio::detached);
    }
    co_await done.async_wait(as_tuple_awaitable);
  }());
  CHECK(ok == 200);
  CHECK(server.stats().max_open <= 8);
  CHECK(server.stats().accepted <= 8);
  CHECK(pool->open_count() <= 8);
  CHECK(pool->waiting_count() == 0);
  CHECK(peak_waiting > 0);
}

TEST_CASE("http client: 10000 concurrent requests stay within the default pool bound",
          "[http][client][pool][fanout]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, respond_ok());
  auto pool = sh::make_connection_pool();
  sh::client c(pool, server.url, fast_options());
  int ok = 0;
  run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    int remaining = 10'000;
    asio::steady_timer done(ex, clock_type::time_point::max());
    for (int i = 0; i < 10'000; ++i) {
      asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
        auto r = co_await c.send(get());
        if (r.status == 200) ++ok;
        if (--remaining == 0) done.cancel();
      }, asio::detached);
    }
    co_await done.async_wait(as_tuple_awaitable);
  }());
  CHECK(ok == 10'000);
  CHECK(server.stats().max_open <= static_cast<int>(sh::pool_options{}.max_per_host));
  CHECK(pool->open_count() <= sh::pool_options{}.max_per_host);
}

TEST_CASE("http client: the total bound closes idle connections of other origins", "[http][client][pool]") {
  asio::io_context ctx;
  auto a = loopback_server::tcp(ctx, respond_ok());
  auto b = loopback_server::tcp(ctx, respond_ok());
  auto pool = sh::make_connection_pool({.max_per_host = 4, .max_total = 1});
  sh::client ca(pool, a.url, fast_options());
  sh::client cb(pool, b.url, fast_options());
  run(ctx, [&]() -> asio::awaitable<void> {
    auto r1 = co_await ca.send(get());
    CHECK(pool->idle_count() == 1);
    auto r2 = co_await cb.send(get());
    CHECK(pool->open_count() == 1);
    auto r3 = co_await ca.send(get());
    CHECK(r1.status + r2.status + r3.status == 600);
  }());
  CHECK(a.stats().accepted == 2);
  CHECK(b.stats().accepted == 1);
}

TEST_CASE("http client: streamed chunks arrive before the response ends", "[http][client][stream]") {
  asio::io_context ctx;
  asio::steady_timer gate(ctx, clock_type::time_point::max());
  auto server = loopback_server::tcp(ctx, [&](exchange& ex) -> asio::awaitable<void> {
    co_await ex.write(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n"
        "5\r\nhello\r\n");
    co_await gate.async_wait(as_tuple_awaitable);  // until the client saw "hello"
    co_await ex.write("6\r\n world\r\n0\r\n\r\n");
  });
  auto pool = sh::make_connection_pool();
  sh::client c(pool, server.url, fast_options());
  std::vector<std::string> chunks;
  run(ctx, [&]() -> asio::awaitable<void> {
    auto body = [&]() -> asio::awaitable<void> {
      auto s = co_await c.open_stream(get("/events"));
      CHECK(s.status() == 200);
      CHECK(s.headers().get("content-type") == "text/event-stream");
      auto first = co_await s.next_chunk();
      REQUIRE(first);
      chunks.emplace_back(*first);
      gate.cancel();
      while (auto more = co_await s.next_chunk()) chunks.emplace_back(*more);
    };
    auto r = co_await (body() || sleep_for(5s));
    CHECK(r.index() == 0);
  }());
  REQUIRE(!chunks.empty());
  CHECK(chunks.front() == "hello");
  std::string all;
  for (auto& ch : chunks) all += ch;
  CHECK(all == "hello world");
  CHECK(pool->idle_count() == 1);  // finished body: connection reused
}

TEST_CASE("http client: an abandoned stream closes its connection", "[http][client][stream]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange& ex) -> asio::awaitable<void> {
    co_await ex.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
    co_await sleep_for(10s);
  });
  auto pool = sh::make_connection_pool();
  sh::client c(pool, server.url, fast_options());
  run(ctx, [&]() -> asio::awaitable<void> {
    auto s = co_await c.open_stream(get());
    auto first = co_await s.next_chunk();
    CHECK(first == std::optional<std::string_view>("abc"));
    s.close();
    auto after_close = co_await s.next_chunk();
    CHECK(!after_close);
  }());
  CHECK(pool->open_count() == 0);
}

TEST_CASE("http client: 503 is retried, then success", "[http][client][retry]") {
  asio::io_context ctx;
  int calls = 0;
  auto server = loopback_server::tcp(ctx, [&](exchange& ex) -> asio::awaitable<void> {
    if (++calls == 1) co_await ex.respond(503, "busy");
    else co_await ex.respond(200, "ok");
  });
  sh::client c(sh::make_connection_pool(), server.url, fast_options());
  auto r = run(ctx, c.send(get()));
  CHECK(r.status == 200);
  CHECK(r.body == "ok");
  CHECK(calls == 2);
}

TEST_CASE("http client: 429 with Retry-After: 1 waits about a second", "[http][client][retry]") {
  asio::io_context ctx;
  int calls = 0;
  auto server = loopback_server::tcp(ctx, [&](exchange& ex) -> asio::awaitable<void> {
    if (++calls == 1) co_await ex.respond(429, "slow down", "Retry-After: 1\r\n");
    else co_await ex.respond(200, "ok");
  });
  sh::client c(sh::make_connection_pool(), server.url, fast_options());
  const auto start = clock_type::now();
  auto r = run(ctx, c.send(get()));
  const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
  CHECK(r.status == 200);
  CHECK(calls == 2);
  CHECK(elapsed >= 0.9);
}

TEST_CASE("http client: a rate-limited create is retried (429 means not processed)", "[http][client][retry]") {
  asio::io_context ctx;
  int calls = 0;
  auto server = loopback_server::tcp(ctx, [&](exchange& ex) -> asio::awaitable<void> {
    if (++calls == 1) co_await ex.respond(429, "", "Retry-After-sandbox-create: 0\r\n");
    else co_await ex.respond(201, "made");
  });
  sh::client c(sh::make_connection_pool(), server.url, fast_options());
  auto r = run(ctx, c.send(post("/sandbox")));
  CHECK(r.status == 201);
  CHECK(calls == 2);
}

TEST_CASE("http client: a non-idempotent request is not retried on 503", "[http][client][retry]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange& ex) -> asio::awaitable<void> {
    co_await ex.respond(503, "down");
  });
  sh::client c(sh::make_connection_pool(), server.url, fast_options());
  auto r = run(ctx, c.send(post("/sandboxes")));
  CHECK(r.status == 503);
  CHECK(r.body == "down");
  CHECK(server.stats().requests == 1);
}

TEST_CASE("http client: exhausted retries return the last response", "[http][client][retry]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange& ex) -> asio::awaitable<void> {
    co_await ex.respond(502, "bad gateway");
  });
  auto opts = fast_options();
  opts.retry.max_attempts = 3;
  sh::client c(sh::make_connection_pool(), server.url, opts);
  auto r = run(ctx, c.send(get()));
  CHECK(r.status == 502);
  CHECK(server.stats().requests == 3);
}

TEST_CASE("http client: error statuses are responses", "[http][client]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange& ex) -> asio::awaitable<void> {
    co_await ex.respond(404, R"({"message":"no such sandbox"})");
  });
  sh::client c(sh::make_connection_pool(), server.url, fast_options());
  auto r = run(ctx, c.send(get("/sandboxes/x")));
  CHECK(r.status == 404);
  CHECK(server.stats().requests == 1);
}

TEST_CASE("http client: a reset mid-response is retried for idempotent requests", "[http][client][retry]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange& ex) -> asio::awaitable<void> {
    if (ex.connection_index == 1) {
      co_await ex.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
      ex.reset();
      co_return;
    }
    co_await ex.respond(200, "whole");
  });
  sh::client c(sh::make_connection_pool(), server.url, fast_options());
  auto r = run(ctx, c.send(get()));
  CHECK(r.body == "whole");
  CHECK(server.stats().accepted == 2);
}

TEST_CASE("http client: a reset after a create was sent is reported, not retried", "[http][client][retry]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange& ex) -> asio::awaitable<void> {
    co_await ex.write("HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\n{\"id\":");
    ex.reset();
  });
  sh::client c(sh::make_connection_pool(), server.url, fast_options());
  try {
    run(ctx, c.send(post("/sandboxes")));
    FAIL("expected SandboxConnectionError");
  } catch (const sbx::SandboxConnectionError& e) {
    CHECK(!e.retryable());
    CHECK(e.context().at("request_written") == "true");
    CHECK(e.backend() == "test");
  }
  CHECK(server.stats().requests == 1);
}

TEST_CASE("http client: a keep-alive connection the server closed is replaced", "[http][client][pool]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange& ex) -> asio::awaitable<void> {
    co_await ex.respond(200, "ok");  // advertises keep-alive, then hangs up
    ex.close = true;
  });
  sh::client c(sh::make_connection_pool(), server.url, fast_options());
  run(ctx, [&]() -> asio::awaitable<void> {
    auto first = co_await c.send(get());
    co_await sleep_for(50ms);
    auto second = co_await c.send(post("/create"));
    CHECK(first.status == 200);
    CHECK(second.status == 200);
  }());
  CHECK(server.stats().accepted == 2);
  CHECK(server.stats().requests == 2);
}

TEST_CASE("http client: connection refused is a retried SandboxConnectionError", "[http][client][errors]") {
  asio::io_context ctx;
  auto opts = fast_options();
  opts.retry.max_attempts = 3;
  sh::client c(sh::make_connection_pool(), "http://127.0.0.1:" + std::to_string(closed_port()), opts);
  auto req = post("/sandboxes");
  req.op = "create";
  try {
    run(ctx, c.send(req));
    FAIL("expected SandboxConnectionError");
  } catch (const sbx::SandboxConnectionError& e) {
    CHECK(e.retryable());
    CHECK(e.context().at("attempts") == "3");
    CHECK(e.op() == "create");
    CHECK(std::string(e.what()).find("POST http://127.0.0.1:") != std::string::npos);
  }
}

TEST_CASE("http client: a server that never answers times out", "[http][client][errors]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange&) -> asio::awaitable<void> { co_await sleep_for(30s); });
  auto pool = sh::make_connection_pool();
  sh::client c(pool, server.url, fast_options());
  auto req = get();
  req.timeout = 200ms;
  const auto start = clock_type::now();
  CHECK_THROWS_AS(run(ctx, c.send(req)), sbx::SandboxTimeoutError);
  CHECK(clock_type::now() - start < 3s);
  CHECK(server.stats().requests == 1);  // a request timeout is not retried
  CHECK(pool->open_count() == 0);
}

TEST_CASE("http client: cancellation aborts a request and frees its connection", "[http][client]") {
  asio::io_context ctx;
  auto server = loopback_server::tcp(ctx, [](exchange&) -> asio::awaitable<void> { co_await sleep_for(30s); });
  auto pool = sh::make_connection_pool();
  sh::client c(pool, server.url, fast_options());
  const auto start = clock_type::now();
  auto r = run(ctx, [&]() -> asio::awaitable<std::size_t> {
    auto v = co_await (c.send(get()) || sleep_for(100ms));
    co_return v.index();
  }());
  CHECK(r == 1);
  CHECK(clock_type::now() - start < 3s);
  CHECK(pool->open_count() == 0);
}

TEST_CASE("http client: secrets never appear in errors", "[http][client][errors]") {
  asio::io_context ctx;
  auto hang = loopback_server::tcp(ctx, [](exchange&) -> asio::awaitable<void> { co_await sleep_for(30s); });
  auto reset = loopback_server::tcp(ctx, [](exchange& ex) -> asio::awaitable<void> {
    co_await ex.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nx");
    ex.reset();
  });
  auto opts = fast_options();
  opts.retry.max_attempts = 2;
  const std::string secret = "sk-SECRET-0123456789";
  std::vector<std::string> urls = {"http://127.0.0.1:" + std::to_string(closed_port()), hang.url, reset.url};
  for (const auto& url : urls) {
    for (bool streamed : {false, true}) {
      sh::client c(sh::make_connection_pool(), url, opts);
      auto req = post("/v1/sandboxes?access_token=" + secret + "&limit=5", "{\"key\":\"" + secret + "\"}");
      req.headers.set_sensitive("X-API-Key", secret);
      req.headers.set("Authorization", "Bearer " + secret);
      req.timeout = 100ms;
      std::string what;
      try {
        if (streamed) {
          run(ctx, [&]() -> asio::awaitable<void> {
            auto s = co_await c.open_stream(req);
            co_await s.read_all();
          }());
        }
        else run(ctx, c.send(req));
      } catch (const sbx::SandboxError& e) {
        what = e.what();
        for (const auto& [k, v] : e.context()) what += k + v;
      }
      INFO(what);
      CHECK(!what.empty());
      CHECK(what.find("SECRET") == std::string::npos);
      CHECK(what.find("access_token=***") != std::string::npos);
    }
  }
}

TEST_CASE("http client: unix socket endpoints keep connections alive", "[http][client][unix]") {
  asio::io_context ctx;
  const auto path = temp_socket_path("keepalive");
  std::string seen_host;
  auto server = loopback_server::unix_socket(ctx, path, [&](exchange& ex) -> asio::awaitable<void> {
    seen_host = std::string(ex.req[bhttp::field::host]);
    co_await ex.respond(200, "OK");
  });
  sh::client c(sh::make_connection_pool(), sh::parse_endpoint(server.url, "api.moby.localhost"),
               fast_options());
  run(ctx, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 5; ++i) {
      auto r = co_await c.send(get("/_ping"));
      CHECK(r.body == "OK");
    }
  }());
  CHECK(server.stats().accepted == 1);
  CHECK(seen_host == "api.moby.localhost");
  std::filesystem::remove(path);
}

TEST_CASE("http client: upgrade hands over the raw connection (Docker exec attach)", "[http][client][upgrade]") {
  asio::io_context ctx;
  const auto path = temp_socket_path("upgrade");
  auto server = loopback_server::unix_socket(ctx, path, [](exchange& ex) -> asio::awaitable<void> {
    if (ex.req.target() != "/exec/1/start") {
      co_await ex.respond(404, R"({"message":"No such exec instance"})");
      co_return;
    }
    // Header and the first stream bytes in one write, as a daemon may send them.
    co_await ex.write(
        "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
        "Content-Type: application/vnd.docker.multiplexed-stream\r\n\r\nearly|");
    std::string echoed;
    char buf[256];
    for (;;) {
      const std::size_t n = co_await ex.read_some(asio::buffer(buf));
      if (n == 0) break;
      echoed.append(buf, n);
    }
    co_await ex.write("echo:" + echoed);
    ex.close = true;
  });
  sh::client c(sh::make_connection_pool(), server.url, fast_options());
  std::string received;
  unsigned refused_status = 0;
  std::string refused_body;
  run(ctx, [&]() -> asio::awaitable<void> {
    auto req = post("/exec/1/start", R"({"Detach":false,"Tty":false})");
    req.headers.set("Connection", "Upgrade");
    req.headers.set("Upgrade", "tcp");
    auto h = co_await c.upgrade(req);
    REQUIRE(h.upgraded());
    CHECK(h.head().status == 101);
    co_await h.write(asio::buffer(std::string_view("ping")));
    h.close_write();
    char buf[3];  // small on purpose: the early bytes span several reads
    for (;;) {
      const std::size_t n = co_await h.read_some(asio::buffer(buf));
      if (n == 0) break;
      received.append(buf, n);
    }
    auto refused = co_await c.upgrade(post("/exec/2/start"));
    CHECK(!refused.upgraded());
    refused_status = refused.head().status;
    refused_body = refused.head().body;
  }());
  CHECK(received == "early|echo:ping");
  CHECK(refused_status == 404);
  CHECK(refused_body.find("No such exec") != std::string::npos);
  std::filesystem::remove(path);
}
