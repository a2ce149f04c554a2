#include "fakes/common/multipart.hpp"

#include <cctype>
#include <stdexcept>

namespace sbx_fake {
namespace {

// The value of `key="value"` (or key=value) in a header such as Content-Disposition.
std::string parameter(std::string_view header, std::string_view key) {
  for (std::size_t at = header.find(key); at != std::string_view::npos; at = header.find(key, at + 1)) {
    const bool starts_word = at == 0 || header[at - 1] == ' ' || header[at - 1] == ';';
    if (!starts_word || at + key.size() >= header.size() || header[at + key.size()] != '=') continue;
    std::string_view rest = header.substr(at + key.size() + 1);
    if (!rest.empty() && rest.front() == '"') {
      rest.remove_prefix(1);
      return std::string(rest.substr(0, rest.find('"')));
    }
    return std::string(rest.substr(0, rest.find(';')));
  }
  return {};
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  if (!iequals_prefix(content_type, "multipart/form-data")) return std::nullopt;
  auto boundary = parameter(content_type, "boundary");
  if (boundary.empty()) return std::nullopt;
  return boundary;
}

std::vector<form_part> parse_multipart(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  if (body.substr(0, delimiter.size()) != delimiter) throw std::invalid_argument("multipart body does not start with its boundary");
  std::vector<form_part> parts;
  std::size_t at = delimiter.size();
  for (;;) {
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") throw std::invalid_argument("malformed multipart delimiter");
    at += 2;
    const auto headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) throw std::invalid_argument("multipart part without headers end");
    form_part part;
    for (std::string_view headers = body.substr(at, headers_end - at); !headers.empty();) {
      const auto eol = headers.find("\r\n");
      const auto line = headers.substr(0, eol);
      if (iequals_prefix(line, "content-disposition:")) {
        part.name = parameter(line, "name");
        part.filename = parameter(line, "filename");
      }
      if (eol == std::string_view::npos) break;
      headers.remove_prefix(eol + 2);
    }
    const auto content_start = headers_end + 4;
    const auto next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) throw std::invalid_argument("multipart part is not terminated");
    part.content = body.substr(content_start, next - content_start);
    parts.push_back(std::move(part));
    at = next + 2 + delimiter.size();
  }
}

std::string multipart_body(const std::vector<form_part>& parts, std::string_view boundary) {
  std::string body;
  for (const auto& part : parts) {
    body += "--" + std::string(boundary) + "\r\nContent-Disposition: form-data; name=\"" + part.name + "\"";
    if (!part.filename.empty()) body += "; filename=\"" + part.filename + "\"\r\nContent-Type: application/octet-stream";
    body += "\r\n\r\n";
    body.append(part.content);
    body += "\r\n";
  }
  return body + "--" + std::string(boundary) + "--\r\n";
}

}  // namespace sbx_fake
