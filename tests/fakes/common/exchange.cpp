#include "fakes/common/exchange.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <array>

namespace sbx_fake {

namespace asio = boost::asio;

// Writes complete even when the handler is cancelled meanwhile: a response is never
// cut in the middle of a message (cancellation takes effect at the next operation).
auto uncancellable() { return asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable); }

exchange::exchange(boost::beast::tcp_stream& stream, request_message& request)
    : stream_(stream), request_(request) {
  const std::string_view target = request_.target();
  const auto q = target.find('?');
  query_ = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  if (const auto parsed = boost::urls::parse_origin_form(target)) {
    path_ = parsed->path();
  } else {
    path_ = std::string(target.substr(0, q));
  }
  close_ = !request_.keep_alive();
}

std::optional<std::string> exchange::query(std::string_view name) const {
  if (query_.empty()) return std::nullopt;
  const std::string target = "/?" + query_;  // the url_view below points into it
  const auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  for (const auto& param : parsed->params())
    if (param.key == name) return std::string(param.value);
  return std::nullopt;
}

std::string_view exchange::header(std::string_view name) const {
  const auto it = request_.find(name);
  return it == request_.end() ? std::string_view() : std::string_view(it->value());
}

const std::string& exchange::param(std::string_view name) const {
  static const std::string none;
  const auto it = params_.find(name);
  return it == params_.end() ? none : it->second;
}

void exchange::add_response_header(std::string name, std::string value) {
  response_headers_.emplace_back(std::move(name), std::move(value));
}

void exchange::drop_if_asked() {
  if (!drop_) return;
  reset_connection();
  throw boost::system::system_error(asio::error::connection_reset, "response dropped (injected fault)");
}

template <class Message>
void exchange::prepare(Message& message, unsigned status) {
  drop_if_asked();
  message.result(status);
  message.version(11);
  message.keep_alive(!close_);
  message.set(http::field::server, "sbx-fake");
  for (const auto& [name, value] : response_headers_) message.set(name, value);
  response_headers_.clear();
  responded_ = true;
}

awaitable<void> exchange::respond(unsigned status, std::string body, std::string_view content_type) {
  http::response<http::string_body> message;
  prepare(message, status);
  if (!body.empty() || status != 204) message.set(http::field::content_type, content_type);
  message.body() = std::move(body);
  message.prepare_payload();
  co_await http::async_write(stream_, message, uncancellable());
}

awaitable<void> exchange::respond_json(unsigned status, const boost::json::value& value) {
  co_await respond(status, boost::json::serialize(value));
}

awaitable<void> exchange::respond_file(const std::filesystem::path& path, std::string_view content_type) {
  http::response<http::file_body> message;
  boost::beast::error_code ec;
  message.body().open(path.c_str(), boost::beast::file_mode::scan, ec);
  if (ec) throw http_error(404, R"({"code":404,"message":"file not found"})");
  prepare(message, 200);
  message.set(http::field::content_type, content_type);
  message.prepare_payload();
  co_await http::async_write(stream_, message, uncancellable());
}

awaitable<void> exchange::begin_chunked(unsigned status, std::string_view content_type) {
  http::response<http::empty_body> message;
  prepare(message, status);
  message.set(http::field::content_type, content_type);
  message.chunked(true);
  http::response_serializer<http::empty_body> serializer(message);
  co_await http::async_write_header(stream_, serializer, uncancellable());
}

awaitable<void> exchange::write_chunk(std::string_view data) {
  if (data.empty()) co_return;
  co_await asio::async_write(stream_, http::make_chunk(asio::buffer(data.data(), data.size())), uncancellable());
}

void exchange::reset_connection() {
  auto& socket = stream_.socket();
  boost::system::error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
  close_ = true;
}

awaitable<void> exchange::hang() {
  close_ = true;
  std::array<char, 512> sink;
  for (;;) {
    auto [ec, n] = co_await stream_.socket().async_read_some(asio::buffer(sink),
                                                             asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

awaitable<void> exchange::end_chunked() {
  co_await asio::async_write(stream_, http::make_chunk_last(), uncancellable());
}

}  // namespace sbx_fake
