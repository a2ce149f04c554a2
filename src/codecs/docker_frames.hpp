// Docker's multiplexed attach/exec stream (Tty=false): an I/O-free, incremental decoder.
//
// The stream is a sequence of frames, each an 8-byte header
// [stream type, 0, 0, 0, payload length as big-endian uint32] followed by the payload.
// Frame boundaries are arbitrary with respect to reads and to the process's writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace sbx::codecs {

/// The stream a frame belongs to (the header's first byte).
enum class docker_stream : std::uint8_t {
  std_in = 0,        // only seen when a daemon echoes stdin; treat as stdout
  std_out = 1,
  std_err = 2,
  system_error = 3,  // the daemon reports an error of its own in the payload
};

/// The stream is not a valid multiplexed stream (bad header, or cut inside a frame).
class docker_frame_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A piece of one frame's payload. A frame may be delivered in several pieces (it is
/// never buffered whole), and a piece never spans two frames.
struct docker_frame_piece {
  docker_stream stream;
  std::string_view data;  // points into the input given to next()
};

/// Splits a multiplexed stream into payload pieces. Memory: the 8-byte header only,
/// whatever the frame sizes. Zero-length frames produce no piece.
class docker_frame_decoder {
 public:
  /// Consumes bytes from the front of `input` and returns the next payload piece, or
  /// nullopt once `input` is used up (a partial header is kept for the next call).
  /// Throws docker_frame_error on a malformed header (unknown stream type or non-zero
  /// padding); the decoder is unusable afterwards.
  std::optional<docker_frame_piece> next(std::string_view& input);

  /// Call at end of stream: throws docker_frame_error when the stream stopped inside a
  /// header or a payload.
  void finish() const;

  /// True between frames (no partial header or payload pending).
  bool at_boundary() const noexcept { return header_size_ == 0 && remaining_ == 0; }

 private:
  void parse_header();

  unsigned char header_[8] = {};
  std::size_t header_size_ = 0;    // header bytes collected so far
  std::uint32_t remaining_ = 0;    // payload bytes of the current frame still to come
  docker_stream stream_ = docker_stream::std_out;
  bool failed_ = false;
};

}  // namespace sbx::codecs
