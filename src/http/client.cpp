#include "http/client.hpp"

#include <algorithm>
#include <random>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/system/system_error.hpp>

#include "http/connection.hpp"
#include "http/hijacked_stream_impl.hpp"
#include "http/streamed_response_impl.hpp"
#include "http/transport_error.hpp"

namespace sbx::http {

struct client::state {
  std::shared_ptr<connection_pool> pool;
  endpoint ep;
  client_options opts;
  std::string pool_key;
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::minstd_rand rng{std::random_device{}()};

  double draw() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }
};

namespace {

namespace asio = boost::asio;
using time_point = std::chrono::steady_clock::time_point;
using beast_request = beast_http::request<beast_http::string_body>;
constexpr std::uint32_t header_limit = 64 * 1024;

/// The outcome of one attempt: a value, or where and how it failed.
template <class T>
struct attempt {
  error_code ec;
  phase where = phase::connect;
  bool received = false;  // some response bytes arrived before the failure
  std::optional<T> value;

  static attempt ok(T v) { return {.value = std::move(v)}; }
  static attempt failed(error_code ec, phase where, bool received) {
    return {.ec = ec, .where = where, .received = received};
  }
};

unsigned status_of(const response& r) { return r.status; }
unsigned status_of(const streamed_response& r) { return r.status(); }
unsigned status_of(const hijacked_stream& r) { return r.head().status; }
const fields& headers_of(const response& r) { return r.headers; }
const fields& headers_of(const streamed_response& r) { return r.headers(); }
const fields& headers_of(const hijacked_stream& r) { return r.head().headers; }

template <class Fields>
fields to_fields(const Fields& in) {
  fields out;
  for (const auto& f : in) out.add(f.name_string(), f.value());
  return out;
}

/// The wire message for `req` (its body is moved out).
beast_request build(const client::state& st, request& req) {
  std::string target = st.ep.base_path;
  if (req.target.empty() || req.target.front() != '/') target += '/';
  target += req.target;
  beast_request msg{req.method, target, 11};
  for (const auto& f : req.headers) msg.insert(f.name, f.value);
  if (!req.headers.contains("Host")) msg.set(beast_http::field::host, st.ep.host_header);
  if (!req.headers.contains("User-Agent")) msg.set(beast_http::field::user_agent, st.opts.user_agent);
  msg.body() = std::move(req.body);
  msg.prepare_payload();
  return msg;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

/// Runs `exchange` on pooled connections until it yields a final outcome, applying the
/// retry rules documented on class client.
template <class T, class Exchange>
asio::awaitable<T> run_with_retries(std::shared_ptr<client::state> st, const request& req,
                                    Exchange exchange) {
  const bool idempotent = is_idempotent(req);
  const retry_policy& policy = st->opts.retry;
  const unsigned max_attempts = std::max(1u, policy.max_attempts);
  bool stale_retry_left = true;
  for (unsigned n = 0;;) {
    lease l = co_await st->pool->acquire(st->pool_key);
    const bool reused = l.reused();
    attempt<T> a;
    if (!l.get()) {
      auto [ec, conn] = co_await connection::open(st->ep, st->tls.get(), st->opts.connect_timeout);
      if (ec) a = attempt<T>::failed(ec, phase::connect, false);
      else l.attach(std::move(conn));
    }
    if (l.get()) {
      const time_point deadline =
          std::chrono::steady_clock::now() + req.timeout.value_or(st->opts.request_timeout);
      a = co_await exchange(l, deadline);
    }

    if (!a.ec) {
      const unsigned status = status_of(*a.value);
      const bool may_retry =
          idempotent || (status == 429 && policy.retry_rate_limited_non_idempotent);
      if (!is_retryable_status(status) || !may_retry || n + 1 >= max_attempts)
        co_return std::move(*a.value);
      const auto delay = retry_delay(policy, n, headers_of(*a.value),
                                     std::chrono::system_clock::now(), st->draw());
      a.value.reset();
      l.reset();
      co_await sleep_for(delay);
      ++n;
      continue;
    }

    l.reset();
    if (a.ec == asio::error::operation_aborted) throw boost::system::system_error(a.ec);
    // A reused keep-alive connection the server had already closed: try a fresh one.
    const bool stale = reused && !a.received && a.where != phase::connect &&
                       a.ec != boost::beast::error::timeout;
    if (stale && stale_retry_left && (idempotent || a.where == phase::write)) {
      stale_retry_left = false;
      continue;
    }
    const bool may_retry = idempotent || a.where == phase::connect;
    if (may_retry && is_retryable_error(a.ec, a.where) && n + 1 < max_attempts) {
      co_await sleep_for(backoff_delay(policy, n, st->draw()));
      ++n;
      continue;
    }
    throw_transport_error(a.ec, a.where, {&req, &st->ep, &st->opts.backend, n + 1});
  }
}

}  // namespace

client::client(std::shared_ptr<connection_pool> pool, endpoint ep, client_options options)
    : state_(std::make_shared<state>()) {
  state_->pool = std::move(pool);
  state_->ep = std::move(ep);
  state_->opts = std::move(options);
  state_->pool_key = state_->ep.origin();
  if (state_->ep.kind == transport::tls) {
    state_->tls = state_->pool->tls_context(state_->opts.tls);
    state_->pool_key += "|" + state_->opts.tls.key();
  }
}

client::client(std::shared_ptr<connection_pool> pool, std::string_view url, client_options options)
    : client(std::move(pool), parse_endpoint(url), std::move(options)) {}

const endpoint& client::target() const noexcept { return state_->ep; }
const client_options& client::options() const noexcept { return state_->opts; }

asio::awaitable<response> client::send(request req) const {
  auto st = state_;
  beast_request msg = build(*st, req);
  auto exchange = [&](lease& l, time_point deadline) -> asio::awaitable<attempt<response>> {
    connection& c = *l.get();
    c.expires_at(deadline);
    auto [wec, written] = co_await c.write(msg);
    if (wec) co_return attempt<response>::failed(wec, phase::write, false);
    beast_http::response_parser<beast_http::string_body> p;
    p.header_limit(header_limit);
    p.body_limit(st->opts.max_body_size);
    if (req.method == verb::head) p.skip(true);
    auto [rec, read] = co_await c.read(p);
    if (rec) co_return attempt<response>::failed(rec, phase::read, p.got_some() || c.buffer.size() > 0);
    c.expires_never();
    auto& m = p.get();
    if (m.keep_alive()) l.keep_alive();
    co_return attempt<response>::ok(response{m.result_int(), to_fields(m), std::move(m.body())});
  };
  co_return co_await run_with_retries<response>(st, req, exchange);
}

asio::awaitable<streamed_response> client::open_stream(request req) const {
  auto st = state_;
  beast_request msg = build(*st, req);
  auto exchange = [&](lease& l, time_point deadline) -> asio::awaitable<attempt<streamed_response>> {
    connection& c = *l.get();
    c.expires_at(deadline);
    auto [wec, written] = co_await c.write(msg);
    if (wec) co_return attempt<streamed_response>::failed(wec, phase::write, false);
    auto p = std::make_unique<streamed_response::impl>(lease{}, site_copy(req, st->ep, st->opts.backend));
    p->parser.header_limit(header_limit);
    p->parser.body_limit(boost::none);
    if (req.method == verb::head) p->parser.skip(true);
    auto [rec, read] = co_await c.read_header(p->parser);
    if (rec)
      co_return attempt<streamed_response>::failed(rec, phase::read,
                                                   p->parser.got_some() || c.buffer.size() > 0);
    c.expires_never();
    p->status = p->parser.get().result_int();
    p->headers = to_fields(p->parser.get());
    p->conn = std::move(l);
    if (p->parser.is_done()) p->finish();
    co_return attempt<streamed_response>::ok(streamed_response(std::move(p)));
  };
  co_return co_await run_with_retries<streamed_response>(st, req, exchange);
}

asio::awaitable<hijacked_stream> client::upgrade(request req) const {
  auto st = state_;
  beast_request msg = build(*st, req);
  auto exchange = [&](lease& l, time_point deadline) -> asio::awaitable<attempt<hijacked_stream>> {
    connection& c = *l.get();
    c.expires_at(deadline);
    auto [wec, written] = co_await c.write(msg);
    if (wec) co_return attempt<hijacked_stream>::failed(wec, phase::write, false);
    beast_http::response_parser<beast_http::string_body> p;
    p.header_limit(header_limit);
    p.body_limit(st->opts.max_body_size);
    auto [rec, read] = co_await c.read_header(p);
    if (rec)
      co_return attempt<hijacked_stream>::failed(rec, phase::read, p.got_some() || c.buffer.size() > 0);
    auto h = std::make_unique<hijacked_stream::impl>(lease{}, site_copy(req, st->ep, st->opts.backend));
    auto& m = p.get();
    h->head.status = m.result_int();
    h->head.headers = to_fields(m);
    if (h->head.status == 101 || (h->head.status >= 200 && h->head.status < 300)) {
      c.expires_never();
      h->pending = boost::beast::buffers_to_string(c.buffer.data());
      c.buffer.consume(c.buffer.size());
      h->upgraded = true;
      h->conn = std::move(l);
      co_return attempt<hijacked_stream>::ok(hijacked_stream(std::move(h)));
    }
    auto [bec, body] = co_await c.read(p);
    if (bec) co_return attempt<hijacked_stream>::failed(bec, phase::read, true);
    c.expires_never();
    h->head.body = std::move(m.body());
    if (m.keep_alive()) l.keep_alive();
    co_return attempt<hijacked_stream>::ok(hijacked_stream(std::move(h)));
  };
  co_return co_await run_with_retries<hijacked_stream>(st, req, exchange);
}

}  // namespace sbx::http
