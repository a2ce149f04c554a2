// The Connect protocol's wire pieces as pure functions (no I/O): the 5-byte envelope
// framing of streaming RPCs, end-of-stream and unary error bodies, the code <-> HTTP
// status tables, and the base64 spelling of proto3 JSON `bytes` fields.
//
// Reference: connectrpc.com/docs/protocol (Connect over HTTP/1.1 with the JSON codec).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sbx::connect {

/// Envelope flag bits. Only end_stream may appear in what this codec accepts:
/// compression is never negotiated.
inline constexpr std::uint8_t flag_compressed = 0x01;
inline constexpr std::uint8_t flag_end_stream = 0x02;
/// Flags byte plus a 32-bit big-endian payload length.
inline constexpr std::size_t envelope_header_size = 5;

/// Malformed framing or JSON from the peer. what() says what was wrong, never
/// repeating the payload.
class protocol_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One complete envelope.
struct envelope {
  std::uint8_t flags = 0;
  std::string payload;
  bool end_stream() const noexcept { return (flags & flag_end_stream) != 0; }
};

/// Appends the envelope of `payload` (header, then payload) to `out`.
void append_envelope(std::string& out, std::string_view payload, std::uint8_t flags = 0);

/// The envelope of `payload` as a new string.
std::string make_envelope(std::string_view payload, std::uint8_t flags = 0);

/// Reassembles envelopes from bytes that arrive in arbitrary pieces (envelope
/// boundaries are independent of HTTP chunk boundaries).
class envelope_decoder {
 public:
  /// Payloads longer than `max_payload` bytes are refused.
  explicit envelope_decoder(std::size_t max_payload = std::size_t{64} << 20);

  /// Adds bytes received from the wire.
  void feed(std::string_view bytes);

  /// The next complete envelope, or nullopt until more bytes arrive. Throws
  /// protocol_error for a compressed or unknown flag, an oversized payload, or any
  /// byte after the end-of-stream envelope.
  std::optional<envelope> next();

  /// True once the end-of-stream envelope has been returned by next().
  bool finished() const noexcept { return finished_; }
  /// Bytes received but not returned yet (non-zero at the end of a body means the
  /// stream was truncated mid-envelope).
  std::size_t buffered() const noexcept { return buffer_.size() - consumed_; }

 private:
  std::size_t max_payload_;
  std::string buffer_;
  std::size_t consumed_ = 0;
  bool finished_ = false;
};

/// A Connect error: a code such as "not_found" and a human message.
struct error {
  std::string code;
  std::string message;
  friend bool operator==(const error&, const error&) = default;
};

/// Parses the JSON of an end-of-stream envelope: nullopt for success ("{}"), else its
/// error. Throws protocol_error when the payload is not such a JSON object.
std::optional<error> parse_end_stream(std::string_view json);

/// The end-of-stream JSON for success (nullopt) or for `e`.
std::string end_stream_json(const std::optional<error>& e);

/// The JSON body of a unary error response for `e`.
std::string error_json(const error& e);

/// The error a non-200 unary (or stream-opening) response stands for. A JSON body with
/// a string "code" is a Connect error; a JSON body with an integer "code" (a proxy's
/// answer) counts as that HTTP status; otherwise the status decides, with the body
/// text (or "HTTP <status>") as the message. Never throws.
error error_from_response(unsigned status, std::string_view body);

/// The code that a bare HTTP status maps to (E2B's table: 404 -> not_found, 429 ->
/// resource_exhausted, 502/503 -> unavailable, 504 -> deadline_exceeded, ...; other
/// statuses -> unknown).
std::string_view code_for_status(unsigned status) noexcept;

/// The HTTP status a server answers a unary error `code` with (the Connect table).
unsigned status_for_code(std::string_view code) noexcept;

/// Standard padded base64, the JSON spelling of proto3 `bytes` fields.
std::string encode_base64(std::string_view bytes);

/// Decodes standard base64 (padding optional); nullopt on any other character.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace sbx::connect
