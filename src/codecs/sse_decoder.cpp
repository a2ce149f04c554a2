#include "codecs/sse_decoder.hpp"

#include <limits>

namespace sbx::codecs {
namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";

std::optional<unsigned long long> digits_value(std::string_view text) {
  if (text.empty()) return std::nullopt;
  unsigned long long value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const unsigned digit = static_cast<unsigned>(c - '0');
    if (value > (std::numeric_limits<unsigned long long>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace

void sse_decoder::feed(std::string_view bytes) {
  if (!bom_checked_) {
    // Decide about the BOM once three bytes (or a mismatch) are known.
    while (!bytes.empty() && bom_prefix_.size() < bom.size()) {
      bom_prefix_.push_back(bytes.front());
      bytes.remove_prefix(1);
      if (bom.substr(0, bom_prefix_.size()) != bom_prefix_) break;
    }
    if (bom_prefix_.size() < bom.size() && bom.substr(0, bom_prefix_.size()) == bom_prefix_) return;
    bom_checked_ = true;
    std::string head = bom_prefix_ == bom ? std::string() : std::move(bom_prefix_);
    bom_prefix_.clear();
    feed(head);
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c != '\n' && c != '\r') {
      after_cr_ = false;
      continue;
    }
    if (c == '\n' && after_cr_ && i == start && line_.empty()) {
      // The LF of a CRLF whose CR ended the previous line.
      after_cr_ = false;
      start = i + 1;
      continue;
    }
    line_.append(bytes.substr(start, i - start));
    process_line(line_);
    line_.clear();
    after_cr_ = c == '\r';
    start = i + 1;
  }
  line_.append(bytes.substr(start));
}

std::optional<sse_event> sse_decoder::next() {
  if (ready_.empty()) return std::nullopt;
  auto event = std::move(ready_.front());
  ready_.pop_front();
  return event;
}

void sse_decoder::finish() {
  if (!bom_checked_ && !bom_prefix_.empty() && bom_prefix_ != bom) {
    bom_checked_ = true;
    std::string head = std::move(bom_prefix_);
    bom_prefix_.clear();
    feed(head);
  }
  if (!line_.empty()) {
    process_line(line_);
    line_.clear();
  }
  data_.clear();
  has_data_ = false;
  event_type_.clear();
}

void sse_decoder::process_line(std::string_view line) {
  if (line.empty()) {
    dispatch();
    return;
  }
  if (line.front() == ':') return;
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    process_field(line, {});
    return;
  }
  auto value = line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  process_field(line.substr(0, colon), value);
}

void sse_decoder::process_field(std::string_view name, std::string_view value) {
  if (name == "event") {
    event_type_ = value;
  } else if (name == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_ = value;
  } else if (name == "retry") {
    if (const auto ms = digits_value(value)) retry_ = ms;
  }
}

void sse_decoder::dispatch() {
  if (has_data_) {
    sse_event event{.event = event_type_.empty() ? "message" : event_type_, .data = std::move(data_), .id = last_id_,
                    .retry = retry_};
    ready_.push_back(std::move(event));
  }
  data_.clear();
  has_data_ = false;
  event_type_.clear();
}

}  // namespace sbx::codecs
