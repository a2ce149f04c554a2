// Keep-alive connection pool shared by every client of a process (or of a sbx::Client).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "http/tls.hpp"
#include "http/wait_queue.hpp"

namespace sbx::http {

class connection;
class connection_pool;

/// Bounds of a pool. The defaults keep a process far below the usual 1024 file
/// descriptor limit however many sandboxes share the pool (10,000 sandboxes queue for
/// 256 connections rather than opening 10,000).
struct pool_options {
  /// Connections open to one origin (in use + idle). Open streams and upgraded
  /// (hijacked) connections count until closed.
  std::size_t max_per_host = 64;
  /// Connections open over all origins.
  std::size_t max_total = 256;
  /// Idle connections older than this are closed instead of reused.
  std::chrono::milliseconds idle_timeout{30'000};
};

/// The right to use one connection slot of a pool: either a reused idle connection or
/// a free slot for which the holder opens a connection (attach). On destruction the
/// connection goes back to the pool if keep_alive() was called, else it is closed.
class lease {
 public:
  lease() = default;
  lease(lease&& other) noexcept;
  lease& operator=(lease&& other) noexcept;
  ~lease();

  /// The connection, or nullptr when the holder must open one and attach() it.
  connection* get() const noexcept { return conn_.get(); }
  /// True when get() was an idle keep-alive connection (it may have gone stale).
  bool reused() const noexcept { return reused_; }
  /// Stores a freshly opened connection.
  void attach(std::unique_ptr<connection> c) noexcept;
  /// Marks the connection reusable: it returns to the pool instead of being closed.
  void keep_alive() noexcept { keep_ = true; }
  /// Gives the slot back now (see the destructor).
  void reset() noexcept;

 private:
  friend class connection_pool;
  std::shared_ptr<connection_pool> pool_;
  std::string key_;
  std::unique_ptr<connection> conn_;
  bool reused_ = false;
  bool keep_ = false;
};

/// Connections per origin with limits and FIFO waiters. Not thread-safe: every client
/// sharing a pool runs on one thread (or strand). Create with make_connection_pool.
class connection_pool : public std::enable_shared_from_this<connection_pool> {
 public:
  explicit connection_pool(pool_options options = {});
  ~connection_pool();
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  /// A connection slot for `key` (an origin plus TLS settings): an idle connection
  /// that still looks alive, else a free slot, else waits FIFO behind earlier callers
  /// for the same origin until one is released. When only the total bound is reached,
  /// the least recently used idle connection of another origin is closed to make room.
  /// Cancellation: the caller leaves the queue and the call throws
  /// boost::system::system_error(operation_aborted).
  boost::asio::awaitable<lease> acquire(const std::string& key);

  /// The TLS context for `options`, created on first use and shared afterwards.
  /// Throws sbx::SandboxConfigurationError as make_tls_context.
  std::shared_ptr<boost::asio::ssl::context> tls_context(const tls_options& options);

  const pool_options& options() const noexcept { return options_; }
  /// Connections open (in use and idle) and slots reserved for connections being opened.
  std::size_t open_count() const noexcept { return total_; }
  std::size_t idle_count() const noexcept { return idle_.size(); }
  /// Callers waiting in acquire().
  std::size_t waiting_count() const noexcept;

 private:
  friend class lease;
  struct idle_entry {
    std::string key;
    std::unique_ptr<connection> conn;
    std::chrono::steady_clock::time_point since;
  };
  using idle_list = std::list<idle_entry>;
  struct host {
    std::size_t active = 0;                  // leased slots
    std::vector<idle_list::iterator> idle;   // most recently used last
    wait_queue<std::unique_ptr<connection>> waiters;
    bool starved = false;                    // queued in starved_
  };

  void release(const std::string& key, std::unique_ptr<connection> conn, bool keep) noexcept;
  bool host_room(const host& h) const noexcept;
  bool can_open(const host& h) const noexcept;
  std::unique_ptr<connection> take_idle(host& h);
  void drop_idle(idle_list::iterator it) noexcept;
  void grant_free_slots() noexcept;
  void forget_if_unused(const std::string& key) noexcept;

  pool_options options_;
  std::map<std::string, host, std::less<>> hosts_;
  idle_list idle_;                 // every idle connection, least recently used first
  std::deque<std::string> starved_;  // origins whose waiters only lack a total slot
  std::size_t total_ = 0;
  std::map<std::string, std::shared_ptr<boost::asio::ssl::context>, std::less<>> tls_;
};

/// A new pool with `options`.
std::shared_ptr<connection_pool> make_connection_pool(pool_options options = {});

}  // namespace sbx::http
