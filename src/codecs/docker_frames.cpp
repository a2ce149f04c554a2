#include "codecs/docker_frames.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace sbx::codecs {
namespace {

std::string describe_header(const unsigned char* h) {
  char text[64];
  std::snprintf(text, sizeof text, "%02x %02x %02x %02x %02x %02x %02x %02x", h[0], h[1], h[2], h[3],
                h[4], h[5], h[6], h[7]);
  return text;
}

}  // namespace

void docker_frame_decoder::parse_header() {
  const unsigned char type = header_[0];
  if (type > 3 || header_[1] != 0 || header_[2] != 0 || header_[3] != 0) {
    failed_ = true;
    throw docker_frame_error("malformed Docker stream: frame header " + describe_header(header_) +
                             " is not [type 0-3, 0, 0, 0, length]");
  }
  stream_ = static_cast<docker_stream>(type);
  remaining_ = (std::uint32_t{header_[4]} << 24) | (std::uint32_t{header_[5]} << 16) |
               (std::uint32_t{header_[6]} << 8) | std::uint32_t{header_[7]};
  header_size_ = 0;
}

std::optional<docker_frame_piece> docker_frame_decoder::next(std::string_view& input) {
  if (failed_) throw docker_frame_error("malformed Docker stream: decoder already failed");
  while (!input.empty()) {
    if (remaining_ > 0) {
      const auto n = std::min<std::size_t>(remaining_, input.size());
      docker_frame_piece piece{stream_, input.substr(0, n)};
      input.remove_prefix(n);
      remaining_ -= static_cast<std::uint32_t>(n);
      return piece;
    }
    const auto n = std::min(sizeof header_ - header_size_, input.size());
    std::memcpy(header_ + header_size_, input.data(), n);
    header_size_ += n;
    input.remove_prefix(n);
    if (header_size_ == sizeof header_) parse_header();
  }
  return std::nullopt;
}

void docker_frame_decoder::finish() const {
  if (header_size_ != 0)
    throw docker_frame_error("truncated Docker stream: it ended inside a frame header (" +
                             std::to_string(header_size_) + " of 8 bytes)");
  if (remaining_ != 0)
    throw docker_frame_error("truncated Docker stream: it ended " + std::to_string(remaining_) +
                             " bytes before the end of a frame");
}

}  // namespace sbx::codecs
