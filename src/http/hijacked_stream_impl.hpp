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

  lease conn;  // empty once closed or when not upgraded
  site_copy site;
  response head;
  std::string pending;  // stream bytes that arrived with the response header
  std::size_t pending_pos = 0;
  bool upgraded = false;
};

}  // namespace sbx::http
