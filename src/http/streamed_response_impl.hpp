// State behind a streamed_response (internal: built by client.cpp).
#pragma once

#include <vector>

#include "http/connection.hpp"
#include "http/pool.hpp"
#include "http/streamed_response.hpp"
#include "http/transport_error.hpp"

namespace sbx::http {

struct streamed_response::impl {
  impl(lease l, site_copy s) : conn(std::move(l)), site(std::move(s)) {}

  /// Ends the body: a keep-alive connection goes back to the pool.
  void finish() noexcept {
    if (parser.get().keep_alive()) conn.keep_alive();
    conn.reset();
    done = true;
  }

  lease conn;
  site_copy site;
  beast_http::response_parser<beast_http::buffer_body> parser;
  unsigned status = 0;
  fields headers;
  std::vector<char> buffer = std::vector<char>(64 * 1024);
  bool done = false;
};

}  // namespace sbx::http
