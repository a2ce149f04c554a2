// One HTTP request as a fake's handler sees it, and the ways to answer it: a whole
// response, a file, or a chunked stream written piece by piece.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sbx_fake {

namespace http = boost::beast::http;
using boost::asio::awaitable;
using request_message = http::request<http::string_body>;

/// Thrown by handlers to answer with `status` and a body (JSON unless said otherwise).
/// The server writes it when nothing has been sent yet.
struct http_error : std::runtime_error {
  http_error(unsigned status, std::string body, std::string content_type = "application/json")
      : std::runtime_error(body), status(status), body(std::move(body)), content_type(std::move(content_type)) {}
  unsigned status;
  std::string body;
  std::string content_type;
};

/// A request being answered. Owned by the connection's session; valid during the
/// handler call only.
class exchange {
 public:
  exchange(boost::beast::tcp_stream& stream, request_message& request);

  const request_message& request() const noexcept { return request_; }
  http::verb method() const noexcept { return request_.method(); }
  /// The percent-decoded path, without the query.
  const std::string& path() const noexcept { return path_; }
  /// A percent-decoded query parameter (the first of that name).
  std::optional<std::string> query(std::string_view name) const;
  /// A header value; empty when absent.
  std::string_view header(std::string_view name) const;
  /// The request body; handlers may move it out.
  std::string& body() noexcept { return request_.body(); }
  /// A path parameter captured by the route ("{id}" -> "id"); empty when absent.
  const std::string& param(std::string_view name) const;
  /// Set by the server from the matched route.
  void set_params(std::map<std::string, std::string, std::less<>> params) { params_ = std::move(params); }

  /// Adds a header to the response that is sent next.
  void add_response_header(std::string name, std::string value);

  /// Sends a complete response.
  awaitable<void> respond(unsigned status, std::string body = {},
                          std::string_view content_type = "application/json");
  /// Sends `value` serialised as JSON.
  awaitable<void> respond_json(unsigned status, const boost::json::value& value);
  /// Sends the file at `path` without loading it into memory. Throws http_error 404
  /// when it cannot be opened.
  awaitable<void> respond_file(const std::filesystem::path& path, std::string_view content_type);

  /// Starts a chunked response: the header goes out now, the body through
  /// write_chunk and end_chunked. Not safe for concurrent writers: callers serialise.
  awaitable<void> begin_chunked(unsigned status, std::string_view content_type);
  /// Sends one chunk (empty data is skipped). Errors: system_error when the peer is gone.
  awaitable<void> write_chunk(std::string_view data);
  /// Sends the terminating chunk.
  awaitable<void> end_chunked();

  /// Closes the connection abortively (TCP RST) without answering.
  void reset_connection();
  /// Answers nothing and returns once the peer closes the connection.
  awaitable<void> hang();
  /// Makes the next response a connection reset instead (the handler still runs, so
  /// the request takes effect but its answer is lost). Writes then throw system_error.
  void drop_response() noexcept { drop_ = true; }

  /// True once a response (or its header) was sent.
  bool responded() const noexcept { return responded_; }
  /// True when the connection must close after this exchange.
  bool close_connection() const noexcept { return close_; }

 private:
  template <class Message>
  void prepare(Message& message, unsigned status);
  void drop_if_asked();

  boost::beast::tcp_stream& stream_;
  request_message& request_;
  std::string path_;
  std::string query_;
  std::map<std::string, std::string, std::less<>> params_;
  std::vector<std::pair<std::string, std::string>> response_headers_;
  bool responded_ = false;
  bool close_ = false;
  bool drop_ = false;
};

}  // namespace sbx_fake
