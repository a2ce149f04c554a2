#include "drivers/docker/pull_progress.hpp"

#include "sbx/errors.hpp"

namespace sbx::drivers::docker {
namespace {

[[noreturn]] void malformed(const std::string& why) {
  throw SandboxCreationError("image pull failed: malformed progress stream (" + why + ")",
                             {.backend = "docker", .op = "pull"});
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::optional<std::int64_t> integer(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return std::nullopt;
}

std::string text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

pull_event to_event(const boost::json::value& value) {
  if (!value.is_object()) malformed("a message is not a JSON object");
  const auto& o = value.get_object();
  pull_event event{.status = text(o, "status"), .id = text(o, "id")};
  if (const auto* detail = o.if_contains("progressDetail"); detail && detail->is_object()) {
    event.current = integer(detail->get_object(), "current");
    event.total = integer(detail->get_object(), "total");
  }
  if (const auto* detail = o.if_contains("errorDetail"); detail && detail->is_object()) {
    auto message = text(detail->get_object(), "message");
    if (!message.empty()) event.error = std::move(message);
  }
  if (!event.error) {
    if (auto message = text(o, "error"); !message.empty()) event.error = std::move(message);
  }
  return event;
}

}  // namespace

std::vector<pull_event> pull_progress_parser::feed(std::string_view chunk) {
  std::vector<pull_event> events;
  while (!chunk.empty()) {
    if (!in_value_) {
      while (!chunk.empty() && is_space(chunk.front())) chunk.remove_prefix(1);
      if (chunk.empty()) break;
    }
    boost::system::error_code ec;
    const auto used = parser_.write_some(chunk.data(), chunk.size(), ec);
    if (ec) malformed(ec.message());
    chunk.remove_prefix(used);
    in_value_ = !parser_.done();
    if (!in_value_) {
      events.push_back(to_event(parser_.release()));
      parser_.reset();
    }
  }
  return events;
}

void pull_progress_parser::finish() const {
  if (in_value_) malformed("it ended inside a message");
}

}  // namespace sbx::drivers::docker
