#include "http/pool.hpp"

#include <algorithm>

#include <boost/asio/ssl/context.hpp>

#include "http/connection.hpp"

namespace sbx::http {

lease::lease(lease&& other) noexcept
    : pool_(std::move(other.pool_)),
      key_(std::move(other.key_)),
      conn_(std::move(other.conn_)),
      reused_(other.reused_),
      keep_(other.keep_) {}

lease& lease::operator=(lease&& other) noexcept {
  if (this != &other) {
    reset();
    pool_ = std::move(other.pool_);
    key_ = std::move(other.key_);
    conn_ = std::move(other.conn_);
    reused_ = other.reused_;
    keep_ = other.keep_;
  }
  return *this;
}

lease::~lease() { reset(); }

void lease::attach(std::unique_ptr<connection> c) noexcept {
  conn_ = std::move(c);
  reused_ = false;
}

void lease::reset() noexcept {
  if (auto pool = std::move(pool_)) {
    const bool keep = keep_ && conn_ != nullptr;
    pool->release(key_, std::move(conn_), keep);
  }
  keep_ = false;
}

connection_pool::connection_pool(pool_options options) : options_(options) {}

connection_pool::~connection_pool() = default;

std::shared_ptr<connection_pool> make_connection_pool(pool_options options) {
  return std::make_shared<connection_pool>(options);
}

bool connection_pool::host_room(const host& h) const noexcept {
  return options_.max_per_host == 0 || h.active + h.idle.size() < options_.max_per_host;
}

bool connection_pool::can_open(const host& h) const noexcept {
  return host_room(h) && (options_.max_total == 0 || total_ < options_.max_total);
}

std::size_t connection_pool::waiting_count() const noexcept {
  std::size_t n = 0;
  for (const auto& [key, h] : hosts_) n += h.waiters.size();
  return n;
}

void connection_pool::drop_idle(idle_list::iterator it) noexcept {
  const std::string key = it->key;
  auto& h = hosts_.find(key)->second;
  h.idle.erase(std::find(h.idle.begin(), h.idle.end(), it));
  it->conn->close();
  idle_.erase(it);
  --total_;
  forget_if_unused(key);
}

std::unique_ptr<connection> connection_pool::take_idle(host& h) {
  const auto now = std::chrono::steady_clock::now();
  while (!h.idle.empty()) {
    auto it = h.idle.back();
    h.idle.pop_back();
    auto conn = std::move(it->conn);
    const bool fresh = now - it->since <= options_.idle_timeout;
    idle_.erase(it);
    if (fresh && conn->idle_usable()) return conn;
    conn->close();
    --total_;
  }
  return nullptr;
}

void connection_pool::grant_free_slots() noexcept {
  while (!starved_.empty()) {
    auto found = hosts_.find(starved_.front());
    if (found == hosts_.end()) {
      starved_.pop_front();
      continue;
    }
    host& h = found->second;
    if (h.waiters.empty() || !host_room(h)) {
      h.starved = false;
      const std::string key = std::move(starved_.front());
      starved_.pop_front();
      forget_if_unused(key);
      continue;
    }
    if (can_open(h)) {
      std::unique_ptr<connection> none;
      ++h.active;
      ++total_;
      h.waiters.notify_one(none);
      continue;
    }
    if (idle_.empty()) break;
    drop_idle(idle_.begin());
  }
}

void connection_pool::forget_if_unused(const std::string& key) noexcept {
  auto it = hosts_.find(key);
  if (it == hosts_.end()) return;
  const host& h = it->second;
  if (h.active == 0 && h.idle.empty() && h.waiters.empty() && !h.starved) hosts_.erase(it);
}

void connection_pool::release(const std::string& key, std::unique_ptr<connection> conn,
                              bool keep) noexcept {
  host& h = hosts_.find(key)->second;
  --h.active;
  if (keep) {
    conn->expires_never();
    if (h.waiters.notify_one(conn)) {
      ++h.active;
      return;
    }
    idle_.push_back({key, std::move(conn), std::chrono::steady_clock::now()});
    h.idle.push_back(std::prev(idle_.end()));
  } else {
    if (conn) conn->close();
    --total_;
    // The freed slot goes to this origin's own queue first.
    if (!h.waiters.empty()) {
      if (can_open(h)) {
        std::unique_ptr<connection> none;
        ++h.active;
        ++total_;
        h.waiters.notify_one(none);
      } else if (!h.starved) {
        h.starved = true;
        starved_.push_back(key);
      }
    }
  }
  grant_free_slots();
  forget_if_unused(key);
}

boost::asio::awaitable<lease> connection_pool::acquire(const std::string& key) {
  lease l;
  l.pool_ = shared_from_this();
  l.key_ = key;
  host* h = &hosts_[key];
  if (h->waiters.empty()) {
    if (auto conn = take_idle(*h)) {
      ++h->active;
      l.conn_ = std::move(conn);
      l.reused_ = true;
      co_return l;
    }
  }
  // Slots freed by closing stale idle connections go to earlier waiters first; that
  // may forget this origin's (empty) entry, hence the new lookup.
  grant_free_slots();
  h = &hosts_[key];
  if (h->waiters.empty()) {
    const bool room = host_room(*h);
    if (room && !can_open(*h) && !idle_.empty()) drop_idle(idle_.begin());
    if (can_open(*h)) {
      ++h->active;
      ++total_;
      co_return l;
    }
    if (room && !h->starved) {
      h->starved = true;
      starved_.push_back(key);
    }
  }
  // An entry with waiters is never forgotten, so `h` stays valid while waiting.
  try {
    l.conn_ = co_await h->waiters.wait();
  } catch (...) {
    l.pool_ = nullptr;
    grant_free_slots();
    forget_if_unused(key);
    throw;
  }
  l.reused_ = l.conn_ != nullptr;
  co_return l;
}

std::shared_ptr<boost::asio::ssl::context> connection_pool::tls_context(const tls_options& options) {
  const std::string key = options.key();
  auto it = tls_.find(key);
  if (it == tls_.end()) it = tls_.emplace(key, make_tls_context(options)).first;
  return it->second;
}

}  // namespace sbx::http
