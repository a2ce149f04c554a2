// State behind a hijacked_stream (internal: built by client.cpp).
#pragma once

#include <string>

#include "http/connection.hpp"
#include "http/hijacked_stream.hpp"
#include "http/pool.hpp"
#include "http/transport_error.hpp"

namespace sbx::http {

struct hijacked_stream::impl {
  impl(lease l, site_copy s) : conn(std::move(l)), site(std::move(s)) {}

  lease conn;  // empty when not upgraded
  // The stream is over (end of stream, failure or close()): the socket is closed but
  // the connection object stays until the stream is destroyed, because an operation
  // in the other direction may still be pending on it.
  bool ended = false;
  site_copy site;
  response head;
  std::string pending;  // stream bytes that arrived with the response header
  std::size_t pending_pos = 0;
  bool upgraded = false;
};

}  // namespace sbx::http
