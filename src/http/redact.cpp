#include "http/redact.hpp"

namespace sbx::http {

std::string redact_target(std::string_view target) {
  target = target.substr(0, target.find('#'));
  const auto q = target.find('?');
  std::string out(target.substr(0, q));
  if (q == std::string_view::npos) return out;
  out += '?';
  std::string_view query = target.substr(q + 1);
  bool first = true;
  while (!query.empty() || first) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      if (!item.empty()) out += "***";
    } else {
      out += item.substr(0, eq);
      out += "=***";
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::string describe(const request& req, const endpoint& ep) {
  std::string out(boost::beast::http::to_string(req.method));
  out += ' ';
  out += ep.origin();
  if (ep.kind == transport::unix_socket) out += ':';
  out += ep.base_path;
  out += redact_target(req.target);
  return out;
}

}  // namespace sbx::http
