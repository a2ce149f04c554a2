#include "drivers/ray/agent_protocol.hpp"

#include "drivers/ray/ray_errors.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace sbx::drivers::ray {
namespace {

constexpr std::size_t header_size = 5;
constexpr std::size_t max_exit_payload = 4096;

[[noreturn]] void bad_stream(const std::string& why) {
  throw SandboxExecutionError("malformed exec stream from the Ray sandbox agent: " + why, ray_error("exec"));
}

boost::json::value parse_raw_json(std::string_view text) {
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;  // file names are bytes
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec, {}, options);
  if (ec) return nullptr;
  return value;
}

ExecStatus parse_exit(std::string_view payload) {
  const auto value = parse_raw_json(payload);
  const auto* record = value.if_object();
  const auto* code = record ? record->if_contains("exit_code") : nullptr;
  const auto* timed_out = record ? record->if_contains("timed_out") : nullptr;
  if (!code || !code->is_int64() || !timed_out || !timed_out->is_bool()) bad_stream("exit record");
  return {.exit_code = static_cast<int>(code->get_int64()), .timed_out = timed_out->get_bool()};
}

}  // namespace

std::string agent_target(std::string_view route, std::string_view value, std::string_view name) {
  return std::string(route) + "?" + std::string(name) + "=" + boost::urls::encode(value, boost::urls::unreserved_chars);
}

std::string encode_exec_body(std::string_view exec_id, const ExecRequest& request) {
  boost::json::array argv;
  for (const auto& arg : request.argv) argv.emplace_back(arg);
  boost::json::object env;
  for (const auto& [name, value] : request.env) env[name] = value;
  boost::json::object spec{{"id", exec_id}, {"argv", std::move(argv)}, {"env", std::move(env)}};
  spec["cwd"] = request.cwd.empty() ? boost::json::value() : boost::json::value(request.cwd);
  spec["timeout_ms"] = request.timeout ? boost::json::value(request.timeout->count()) : boost::json::value();
  auto body = boost::json::serialize(spec);
  body += '\n';
  if (request.stdin_data) body += *request.stdin_data;
  return body;
}

void frame_decoder::feed(std::string_view bytes, const output_handler& on_output) {
  while (!bytes.empty()) {
    if (exit_) bad_stream("data after the exit record");
    if (remaining_ == 0 && header_.size() < header_size) {
      const auto take = std::min(header_size - header_.size(), bytes.size());
      header_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (header_.size() < header_size) return;
      const auto kind = static_cast<std::uint8_t>(header_[0]);
      if (kind < 1 || kind > 3) bad_stream("unknown frame kind " + std::to_string(kind));
      kind_ = static_cast<frame_kind>(kind);
      remaining_ = 0;
      for (std::size_t i = 1; i < header_size; ++i) remaining_ = (remaining_ << 8) | static_cast<std::uint8_t>(header_[i]);
      header_.clear();
      if (kind_ == frame_kind::exit && remaining_ > max_exit_payload) bad_stream("oversized exit record");
      if (kind_ == frame_kind::exit && remaining_ == 0) bad_stream("empty exit record");
      continue;
    }
    const auto take = std::min<std::size_t>(remaining_, bytes.size());
    const auto piece = bytes.substr(0, take);
    bytes.remove_prefix(take);
    remaining_ -= static_cast<std::uint32_t>(take);
    if (kind_ == frame_kind::exit) {
      exit_payload_.append(piece);
      if (remaining_ == 0) exit_ = parse_exit(exit_payload_);
    } else if (!piece.empty()) {
      on_output(kind_ == frame_kind::std_out ? output_stream::std_out : output_stream::std_err, piece);
    }
  }
}

std::vector<FileInfo> parse_file_list(std::string_view body, std::string_view dir) {
  const auto value = parse_raw_json(body);
  const auto* entries = value.if_array();
  if (!entries)
    throw SandboxExecutionError("malformed directory listing from the Ray sandbox agent", ray_error("list_files"));
  const std::string prefix = dir == "/" ? "/" : std::string(dir) + "/";
  std::vector<FileInfo> files;
  for (const auto& item : *entries) {
    const auto* entry = item.if_object();
    const auto* name = entry ? entry->if_contains("name") : nullptr;
    const auto* is_dir = entry ? entry->if_contains("is_dir") : nullptr;
    const auto* size = entry ? entry->if_contains("size") : nullptr;
    if (!name || !name->is_string() || !is_dir || !is_dir->is_bool() || !size ||
        !(size->is_null() || (size->is_int64() && size->get_int64() >= 0) || size->is_uint64()))
      throw SandboxExecutionError("malformed directory entry from the Ray sandbox agent", ray_error("list_files"));
    FileInfo info{.path = prefix + std::string(name->get_string()), .is_dir = is_dir->get_bool()};
    if (!size->is_null()) info.size = size->to_number<std::uint64_t>();
    files.push_back(std::move(info));
  }
  return files;
}

void throw_agent_error(unsigned status, std::string_view body, const std::string& op, error_context context) {
  const auto value = parse_raw_json(body);
  const auto* record = value.if_object();
  const auto* error = record ? record->if_contains("error") : nullptr;
  std::string message = error && error->is_string() ? std::string(error->get_string())
                                                     : "HTTP " + std::to_string(status) + " from the sandbox agent";
  message = op + " failed: " + message;
  if (status == 404) throw SandboxNotFoundError(std::move(message), ray_error(op, std::move(context)));
  throw SandboxExecutionError(std::move(message), ray_error(op, std::move(context)));
}

}  // namespace sbx::drivers::ray
