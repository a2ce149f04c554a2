#include "drivers/local/sandbox_dir.hpp"

#include "drivers/local/host_files.hpp"
#include "owner_labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstdlib>
#include <sys/stat.h>

namespace sbx::drivers::local {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* record_name = "owner.json";

std::string serialize(const owner_record& owner) {
  json::object labels;
  for (const auto& [key, value] : owner.labels) labels[key] = value;
  json::object record{{"labels", std::move(labels)}};
  record["deadline"] = owner.deadline ? json::value(detail::format_utc(*owner.deadline)) : json::value();
  return json::serialize(record);
}

}  // namespace

fs::path base_directory(const json::object& driver_options) {
  if (const auto* root = driver_options.if_contains("root"); root && root->is_string()) {
    return std::string(root->get_string());
  }
  if (const char* root = std::getenv("SBX_LOCAL_ROOT"); root && *root) return root;
  const char* tmp = std::getenv("TMPDIR");
  return fs::path(tmp && *tmp ? tmp : "/tmp") / "sbx-local";
}

bool owner_record::orphaned() const {
  return detail::is_orphan(labels) || (deadline && *deadline <= std::chrono::system_clock::now());
}

fs::path create_sandbox_dir(const fs::path& base, const owner_record& owner) {
  fs::create_directories(base);
  fs::path dir;
  for (;;) {
    dir = base / ("sbx-" + detail::random_hex(12));
    if (::mkdir(dir.c_str(), 0700) == 0) break;
    if (errno != EEXIST) throw std::system_error(errno, std::generic_category(), dir.string());
  }
  try {
    write_host_file(dir / record_name, serialize(owner));
    fs::create_directory(tmp_dir(dir));
  } catch (...) {
    remove_host_tree(dir);
    throw;
  }
  return dir;
}

std::optional<owner_record> read_owner_record(const fs::path& dir) {
  try {
    const auto parsed = json::parse(read_host_file(dir / record_name));
    const auto& record = parsed.as_object();
    owner_record owner;
    for (const auto& [key, value] : record.at("labels").as_object()) {
      owner.labels.emplace(key, value.as_string());
    }
    if (const auto& deadline = record.at("deadline"); !deadline.is_null()) {
      owner.deadline = detail::parse_utc(deadline.as_string());
      if (!owner.deadline) return std::nullopt;
    }
    return owner;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace sbx::drivers::local
