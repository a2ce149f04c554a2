#include "sbx/structured.hpp"

#include <boost/json/parse.hpp>

namespace sbx {
namespace {

std::optional<boost::json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// Body of the first ``` fence: an optional "json" tag, then up to the closing ```.
std::optional<std::string_view> first_fenced_block(std::string_view text) {
  const auto open = text.find("```");
  if (open == std::string_view::npos) return std::nullopt;
  auto body = text.substr(open + 3);
  if (body.starts_with("json")) body.remove_prefix(4);
  const auto close = body.find("```");
  if (close == std::string_view::npos) return std::nullopt;
  return trim(body.substr(0, close));
}

// Every top-level {...} span, string- and escape-aware, in one pass.
std::vector<std::string_view> balanced_spans(std::string_view text) {
  std::vector<std::string_view> spans;
  std::size_t depth = 0, start = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (depth > 0 && in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"' && depth > 0) in_string = true;
    else if (c == '{' && depth++ == 0) start = i;
    else if (c == '}' && depth > 0 && --depth == 0) spans.push_back(text.substr(start, i - start + 1));
  }
  return spans;
}

std::string excerpt(std::string_view s) { return std::string(s.substr(0, 500)); }

}  // namespace

std::vector<boost::json::object> json_object_candidates(std::string_view text) {
  if (auto whole = parse_object(trim(text))) return {std::move(*whole)};
  if (const auto fenced = first_fenced_block(text))
    if (auto object = parse_object(*fenced)) return {std::move(*object)};
  std::vector<boost::json::object> out;
  for (const auto span : balanced_spans(text))
    if (auto object = parse_object(span)) out.push_back(std::move(*object));
  return out;
}

namespace detail {

void throw_missing_field(std::string_view type, std::string_view field) {
  throw SandboxExecutionError("Failed to construct " + std::string(type) + ": missing field '" +
                                  std::string(field) + "'",
                              {.op = "parse_result", .context = {{"field", std::string(field)}}});
}

void throw_bad_field(std::string_view type, std::string_view field, std::string_view why) {
  throw SandboxExecutionError("Failed to construct " + std::string(type) + ": field '" + std::string(field) +
                                  "' has the wrong type (" + std::string(why) + ")",
                              {.op = "parse_result", .context = {{"field", std::string(field)}}});
}

void throw_not_convertible(std::string_view type, std::string_view why) {
  throw SandboxExecutionError("Failed to construct " + std::string(type) + " from parsed JSON: " + std::string(why),
                              {.op = "parse_result"});
}

void throw_no_json_object(std::string_view std_out) {
  throw SandboxExecutionError("Could not extract JSON object from stdout:\n" + excerpt(std_out),
                              {.op = "parse_result"});
}

void require_success_for_parsing(const ExecResult& result) {
  if (result.exit_code == 0) return;
  throw CommandFailedError("Command failed (exit " + std::to_string(result.exit_code) +
                               ") before parsing return_type.\nstderr: " + excerpt(result.std_err),
                           result.exit_code, result.std_out, result.std_err, {.op = "parse_result"});
}

}  // namespace detail
}  // namespace sbx
