#include "codecs/connect_envelope.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <utility>

namespace sbx::connect {
namespace {

namespace json = boost::json;
namespace b64 = boost::beast::detail::base64;

struct code_status {
  std::string_view code;
  unsigned status;
};

// Connect's code -> HTTP status table.
constexpr std::array<code_status, 16> code_table{{
    {"canceled", 499},         {"unknown", 500},          {"invalid_argument", 400},
    {"deadline_exceeded", 504}, {"not_found", 404},       {"already_exists", 409},
    {"permission_denied", 403}, {"resource_exhausted", 429}, {"failed_precondition", 400},
    {"aborted", 409},          {"out_of_range", 400},     {"unimplemented", 501},
    {"internal", 500},         {"unavailable", 503},      {"data_loss", 500},
    {"unauthenticated", 401},
}};

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::string string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

json::object error_object(const error& e) {
  json::object out{{"code", e.code}};
  if (!e.message.empty()) out["message"] = e.message;
  return out;
}

}  // namespace

void append_envelope(std::string& out, std::string_view payload, std::uint8_t flags) {
  const auto size = static_cast<std::uint32_t>(payload.size());
  out.reserve(out.size() + envelope_header_size + payload.size());
  out.push_back(static_cast<char>(flags));
  out.push_back(static_cast<char>((size >> 24) & 0xff));
  out.push_back(static_cast<char>((size >> 16) & 0xff));
  out.push_back(static_cast<char>((size >> 8) & 0xff));
  out.push_back(static_cast<char>(size & 0xff));
  out.append(payload);
}

std::string make_envelope(std::string_view payload, std::uint8_t flags) {
  std::string out;
  append_envelope(out, payload, flags);
  return out;
}

envelope_decoder::envelope_decoder(std::size_t max_payload) : max_payload_(max_payload) {}

void envelope_decoder::feed(std::string_view bytes) {
  if (consumed_ > 0 && consumed_ >= buffer_.size() / 2) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<envelope> envelope_decoder::next() {
  const std::size_t available = buffer_.size() - consumed_;
  if (finished_) {
    if (available > 0) throw protocol_error("Connect stream has data after its end-of-stream message");
    return std::nullopt;
  }
  if (available < envelope_header_size) return std::nullopt;
  const auto* header = reinterpret_cast<const unsigned char*>(buffer_.data() + consumed_);
  const std::uint8_t flags = header[0];
  if (flags & flag_compressed)
    throw protocol_error("Connect message is compressed, but no compression was negotiated");
  if (flags & ~flag_end_stream)
    throw protocol_error("Connect message has unknown flags 0x" + std::to_string(flags));
  const std::size_t size = (std::size_t{header[1]} << 24) | (std::size_t{header[2]} << 16) |
                           (std::size_t{header[3]} << 8) | std::size_t{header[4]};
  if (size > max_payload_)
    throw protocol_error("Connect message of " + std::to_string(size) + " bytes exceeds the limit of " +
                         std::to_string(max_payload_));
  if (available < envelope_header_size + size) return std::nullopt;
  envelope out{.flags = flags, .payload = buffer_.substr(consumed_ + envelope_header_size, size)};
  consumed_ += envelope_header_size + size;
  finished_ = out.end_stream();
  return out;
}

std::optional<error> parse_end_stream(std::string_view json_text) {
  const auto object = parse_object(json_text);
  if (!object) throw protocol_error("Connect end-of-stream message is not a JSON object");
  const auto* e = object->if_contains("error");
  if (!e || e->is_null()) return std::nullopt;
  if (!e->is_object()) throw protocol_error("Connect end-of-stream 'error' is not an object");
  error out{.code = string_field(e->as_object(), "code"), .message = string_field(e->as_object(), "message")};
  if (out.code.empty()) out.code = "unknown";
  return out;
}

std::string end_stream_json(const std::optional<error>& e) {
  if (!e) return "{}";
  return json::serialize(json::object{{"error", error_object(*e)}});
}

std::string error_json(const error& e) { return json::serialize(error_object(e)); }

error error_from_response(unsigned status, std::string_view body) {
  if (const auto object = parse_object(body)) {
    const auto* code = object->if_contains("code");
    if (code && code->is_string() && !code->as_string().empty())
      return {.code = std::string(code->as_string()), .message = string_field(*object, "message")};
    if (code && code->is_int64()) status = static_cast<unsigned>(code->as_int64());
    if (auto message = string_field(*object, "message"); !message.empty())
      return {.code = std::string(code_for_status(status)), .message = std::move(message)};
  }
  std::string message(body.substr(0, 500));
  if (message.empty()) message = "HTTP " + std::to_string(status);
  return {.code = std::string(code_for_status(status)), .message = std::move(message)};
}

std::string_view code_for_status(unsigned status) noexcept {
  switch (status) {
    case 400: return "invalid_argument";
    case 401: return "unauthenticated";
    case 403: return "permission_denied";
    case 404: return "not_found";
    case 409: return "already_exists";
    case 413:
    case 429: return "resource_exhausted";
    case 499: return "canceled";
    case 500: return "internal";
    case 501:
    case 505: return "unimplemented";
    case 502:
    case 503: return "unavailable";
    case 504: return "deadline_exceeded";
    default: return "unknown";
  }
}

unsigned status_for_code(std::string_view code) noexcept {
  for (const auto& entry : code_table)
    if (entry.code == code) return entry.status;
  return 500;
}

std::string encode_base64(std::string_view bytes) {
  std::string out(b64::encoded_size(bytes.size()), '\0');
  out.resize(b64::encode(out.data(), bytes.data(), bytes.size()));
  return out;
}

std::optional<std::string> decode_base64(std::string_view text) {
  std::string out(b64::decoded_size(text.size()) + 3, '\0');
  const auto [written, read] = b64::decode(out.data(), text.data(), text.size());
  const std::string_view rest = text.substr(read);
  if (read % 4 == 1 || rest.size() > 2 || rest.find_first_not_of('=') != std::string_view::npos) return std::nullopt;
  if (!rest.empty() && (read + rest.size()) % 4 != 0) return std::nullopt;
  out.resize(written);
  return out;
}

}  // namespace sbx::connect
