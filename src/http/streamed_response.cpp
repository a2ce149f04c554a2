#include "http/streamed_response.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include "http/streamed_response_impl.hpp"

namespace sbx::http {

streamed_response::streamed_response() = default;
streamed_response::streamed_response(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
streamed_response::streamed_response(streamed_response&&) noexcept = default;
streamed_response& streamed_response::operator=(streamed_response&&) noexcept = default;
streamed_response::~streamed_response() = default;

unsigned streamed_response::status() const noexcept { return impl_ ? impl_->status : 0; }

const fields& streamed_response::headers() const noexcept {
  static const fields none;
  return impl_ ? impl_->headers : none;
}

boost::asio::awaitable<std::optional<std::string_view>> streamed_response::next_chunk() {
  impl* p = impl_.get();
  if (!p || p->done) co_return std::nullopt;
  for (;;) {
    if (p->parser.is_done()) {
      p->finish();
      co_return std::nullopt;
    }
    auto& body = p->parser.get().body();
    body.data = p->buffer.data();
    body.size = p->buffer.size();
    auto [ec, n] = co_await p->conn.get()->read_some(p->parser);
    if (ec) {
      p->done = true;
      p->conn.reset();
      if (ec == boost::asio::error::operation_aborted) throw boost::system::system_error(ec);
      throw_transport_error(ec, phase::stream, p->site.view());
    }
    const std::size_t got = p->buffer.size() - body.size;
    if (got > 0) co_return std::string_view(p->buffer.data(), got);
  }
}

boost::asio::awaitable<std::string> streamed_response::read_all() {
  std::string out;
  while (auto chunk = co_await next_chunk()) out += *chunk;
  co_return out;
}

void streamed_response::close() noexcept {
  if (!impl_) return;
  impl_->done = true;
  impl_->conn.reset();
}

}  // namespace sbx::http
