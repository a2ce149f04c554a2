// multipart/form-data request bodies (file uploads), parsed without copying the parts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx_fake {

/// One part of a form: its field name, its filename (empty when none) and content.
struct form_part {
  std::string name;
  std::string filename;
  std::string_view content;  // points into the parsed body
};

/// The boundary parameter of a multipart Content-Type, or nullopt.
std::optional<std::string> multipart_boundary(std::string_view content_type);

/// A multipart/form-data body of `parts` (a part with a filename is sent as
/// application/octet-stream), separated by `boundary`.
std::string multipart_body(const std::vector<form_part>& parts, std::string_view boundary);

/// The parts of `body`. Throws std::invalid_argument when it is not a well-formed
/// multipart body with that boundary.
std::vector<form_part> parse_multipart(std::string_view body, std::string_view boundary);

}  // namespace sbx_fake
