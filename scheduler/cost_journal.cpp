// Writing and replaying the cost journal.
#include "cost_journal.hpp"

#include "json_fields.hpp"
#include "sbx/errors.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <map>
#include <utility>

namespace sbx {
namespace scheduler {
namespace {

using time_point = std::chrono::system_clock::time_point;

std::int64_t epoch_ns(time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

boost::json::object event(const char* name, const std::string& meter, std::uint64_t id, time_point at) {
  return {{"event", name}, {"meter", meter}, {"id", id}, {"t_ns", epoch_ns(at)}};
}

}  // namespace

cost_journal_writer::cost_journal_writer(const std::filesystem::path& file, std::string meter)
    : out_(file, std::ios::app | std::ios::binary), meter_(std::move(meter)) {
  if (!out_) throw SandboxConfigurationError("cannot open cost journal for appending", {.context = {{"path", file.string()}}});
}

void cost_journal_writer::opened(std::uint64_t id, const meter_entry& entry) {
  const auto& s = entry.sandbox;
  auto line = event("open", meter_, id, s.started);
  boost::json::object labels;
  for (const auto& [key, value] : s.labels) labels[key] = value;
  line["candidate"] = s.candidate;
  line["backend"] = s.backend;
  line["sandbox_id"] = s.sandbox_id;
  line["cpu"] = s.resources.cpu;
  line["memory_mb"] = s.resources.memory_mb;
  if (s.resources.disk_mb) line["disk_mb"] = *s.resources.disk_mb;
  line["labels"] = std::move(labels);
  line["price"] = entry.price.to_json();
  if (entry.lifetime) line["lifetime_secs"] = entry.lifetime->count();
  write(line);
}

void cost_journal_writer::exec(std::uint64_t id, time_point at) { write(event("exec", meter_, id, at)); }

void cost_journal_writer::closed(std::uint64_t id, time_point at) { write(event("close", meter_, id, at)); }

void cost_journal_writer::write(const boost::json::object& line) {
  out_ << boost::json::serialize(line) << '\n';
  out_.flush();
}

namespace {

[[noreturn]] void bad_line(const std::filesystem::path& file, std::size_t number, std::string problem) {
  throw SandboxConfigurationError("malformed cost journal line: " + problem,
                                  {.context = {{"path", file.string()}, {"line", std::to_string(number)}}});
}

std::int64_t integer(const boost::json::object& line, std::string_view key) {
  const auto* value = line.if_contains(key);
  if (!value || !(value->is_int64() || value->is_uint64()))
    throw SandboxConfigurationError("key '" + std::string(key) + "' must be an integer");
  return value->to_number<std::int64_t>();
}

time_point at_ns(std::int64_t ns) { return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::nanoseconds(ns))); }

meter_entry parse_open(const boost::json::object& line) {
  const detail::json_reader in{line, "cost journal"};
  meter_entry entry;
  auto& s = entry.sandbox;
  s.candidate = in.required_string("candidate");
  s.backend = in.required_string("backend");
  s.sandbox_id = in.required_string("sandbox_id");
  s.resources.cpu = in.number_or("cpu", s.resources.cpu);
  s.resources.memory_mb = static_cast<int>(in.number_or("memory_mb", s.resources.memory_mb));
  if (const auto disk = in.optional_number("disk_mb")) s.resources.disk_mb = static_cast<int>(*disk);
  s.labels = in.string_map("labels");
  s.started = at_ns(integer(line, "t_ns"));
  entry.price = BackendPrice::from_json(in.required_object("price"));
  if (line.contains("lifetime_secs")) entry.lifetime = std::chrono::seconds(integer(line, "lifetime_secs"));
  return entry;
}

}  // namespace
}  // namespace scheduler

CostReport read_cost_journal(const std::filesystem::path& file, std::chrono::system_clock::time_point at) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SandboxConfigurationError("cannot read cost journal", {.context = {{"path", file.string()}}});
  std::vector<scheduler::meter_entry> entries;
  std::map<std::pair<std::string, std::int64_t>, std::size_t> index;  // (meter, id) → entry
  std::string text;
  for (std::size_t number = 1; std::getline(in, text); ++number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      boost::system::error_code ec;
      const auto value = boost::json::parse(text, ec);
      if (ec || !value.is_object()) scheduler::bad_line(file, number, "not a JSON object");
      const auto& line = value.get_object();
      const detail::json_reader fields{line, "cost journal"};
      const auto kind = fields.required_string("event");
      const auto key = std::make_pair(fields.required_string("meter"), scheduler::integer(line, "id"));
      if (kind == "open") {
        if (!index.emplace(key, entries.size()).second) scheduler::bad_line(file, number, "meter id opened twice");
        entries.push_back(scheduler::parse_open(line));
        continue;
      }
      const auto found = index.find(key);
      if (found == index.end()) scheduler::bad_line(file, number, "event for a meter that was never opened");
      auto& sandbox = entries[found->second].sandbox;
      if (kind == "exec")
        ++sandbox.execs;
      else if (kind == "close")
        sandbox.ended = scheduler::at_ns(scheduler::integer(line, "t_ns"));
      else
        scheduler::bad_line(file, number, "unknown event '" + kind + "'");
    } catch (const SandboxConfigurationError& e) {
      if (e.context().contains("line")) throw;
      scheduler::bad_line(file, number, e.message());
    }
  }
  return scheduler::make_report(entries, at);
}

}  // namespace sbx
