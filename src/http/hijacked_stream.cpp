#include "http/hijacked_stream.hpp"

#include <algorithm>
#include <cstring>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/system_error.hpp>

#include "http/hijacked_stream_impl.hpp"
#include "sbx/errors.hpp"

namespace sbx::http {
namespace {

// Ends the stream: closes the socket (a pending operation in the other direction
// completes with operation_aborted) without destroying the connection under it.
void end(hijacked_stream::impl& p) noexcept {
  if (p.conn.get()) p.conn.get()->close();
  p.ended = true;
}

[[noreturn]] void fail(hijacked_stream::impl& p, const error_code& ec) {
  end(p);
  if (ec == boost::asio::error::operation_aborted) throw boost::system::system_error(ec);
  throw_transport_error(ec, phase::stream, p.site.view());
}

}  // namespace

hijacked_stream::hijacked_stream() = default;
hijacked_stream::hijacked_stream(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
hijacked_stream::hijacked_stream(hijacked_stream&&) noexcept = default;
hijacked_stream& hijacked_stream::operator=(hijacked_stream&&) noexcept = default;
hijacked_stream::~hijacked_stream() = default;

const response& hijacked_stream::head() const noexcept {
  static const response none;
  return impl_ ? impl_->head : none;
}

bool hijacked_stream::upgraded() const noexcept { return impl_ && impl_->upgraded; }

boost::asio::awaitable<std::size_t> hijacked_stream::read_some(boost::asio::mutable_buffer buf) {
  impl* p = impl_.get();
  if (!p || buf.size() == 0) co_return 0;
  if (p->pending_pos < p->pending.size()) {
    const std::size_t n = std::min(buf.size(), p->pending.size() - p->pending_pos);
    std::memcpy(buf.data(), p->pending.data() + p->pending_pos, n);
    p->pending_pos += n;
    co_return n;
  }
  if (p->ended || !p->conn.get()) co_return 0;
  auto [ec, n] = co_await p->conn.get()->read_raw(buf);
  if (ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated) {
    end(*p);
    co_return 0;
  }
  if (ec) fail(*p, ec);
  co_return n;
}

boost::asio::awaitable<void> hijacked_stream::write(boost::asio::const_buffer buf) {
  impl* p = impl_.get();
  const auto closed = [] { return SandboxConnectionError("write on a closed upgraded connection", {.retryable = false}); };
  if (!p || p->ended || !p->conn.get()) throw closed();
  auto [ec, n] = co_await p->conn.get()->write_raw(buf);
  // Aborted because the reading side saw the end of the stream and closed it: not a
  // cancellation of this write.
  if (ec == boost::asio::error::operation_aborted && p->ended) throw closed();
  if (ec == boost::asio::error::operation_aborted) fail(*p, ec);
  // Otherwise the connection stays open: the peer may have stopped reading (a command
  // that exits before reading all its input) while its output still waits to be read.
  if (ec) throw_transport_error(ec, phase::stream, p->site.view());
}

void hijacked_stream::close_write() {
  if (!impl_ || impl_->ended || !impl_->conn.get()) return;
  if (impl_->conn.get()->is_tls())
    throw FeatureNotSupportedError("half-closing an upgraded TLS connection is not supported");
  impl_->conn.get()->shutdown_send();
}

void hijacked_stream::close() noexcept {
  if (impl_) end(*impl_);
}

}  // namespace sbx::http
