// Server-Sent Events (text/event-stream): an I/O-free, incremental decoder following
// the WHATWG HTML "event stream interpretation" rules.
//
// Lines end with CRLF, LF or CR (a CRLF split across two feeds is still one line end).
// A leading UTF-8 BOM is skipped. Lines starting with ':' are comments. "field:value"
// (one space after the colon dropped) and "field" (empty value) set data (appended,
// joined with LF), event, id (ignored when it holds NUL) and retry (digits only). An
// empty line dispatches the event: nothing when no data line was seen; the event type
// defaults to "message". The last event id and the reconnection time (retry) are
// stream state: every event reports the values set so far, as a browser would use them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <deque>

namespace sbx::codecs {

/// One dispatched event.
struct sse_event {
  std::string event = "message";  // the "event" field, "message" when absent or empty
  std::string data;               // the data lines joined with "\n"
  std::string id;                 // the last event id seen so far on the stream
  std::optional<unsigned long long> retry;  // the last valid "retry" field so far (ms)
  friend bool operator==(const sse_event&, const sse_event&) = default;
};

/// Splits an event stream into events. Input may be split anywhere, even inside a
/// CRLF or a multi-byte character. Memory: the current line and event only.
class sse_decoder {
 public:
  /// Consumes `bytes`; completed events become available through next().
  void feed(std::string_view bytes);
  /// The next completed event, in stream order; nullopt when none is pending.
  std::optional<sse_event> next();
  /// Call at end of stream: an unterminated last line is processed, but an event that
  /// was not ended by an empty line is discarded (as the standard says).
  void finish();
  /// Bytes of the current unfinished line.
  std::size_t pending_line_size() const noexcept { return line_.size(); }

 private:
  void process_line(std::string_view line);
  void process_field(std::string_view name, std::string_view value);
  void dispatch();

  std::string line_;
  bool bom_checked_ = false;
  std::string bom_prefix_;       // up to 3 bytes while the BOM is undecided
  bool after_cr_ = false;        // the previous byte ended a line with CR
  std::string data_;
  bool has_data_ = false;
  std::string event_type_;
  std::string last_id_;
  std::optional<unsigned long long> retry_;
  std::deque<sse_event> ready_;
};

}  // namespace sbx::codecs
