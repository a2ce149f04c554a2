#include "drivers/local/sandbox_layout.hpp"

#include "drivers/local/host_files.hpp"
#include "owner_labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>

namespace sbx::drivers::local {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string serialize(const owner_record& owner) {
  json::object labels;
  for (const auto& [key, value] : owner.labels) labels[key] = value;
  json::object record{{"labels", std::move(labels)}};
  record["deadline"] = owner.deadline ? json::value(detail::format_utc(*owner.deadline)) : json::value();
  return json::serialize(record);
}

std::optional<owner_record> parse(const std::string& text) {
  try {
    const auto parsed = json::parse(text);
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

sandbox_paths create_sandbox(const fs::path& base, const owner_record& owner, spare_pool& spares) {
  const std::string record = serialize(owner);
  for (;;) {
    sandbox_paths paths{.base = base, .id = "sbx-" + detail::random_hex(12)};
    if (spares.place(paths.dir(), record)) return paths;
  }
}

std::error_code remove_sandbox(const sandbox_paths& paths, spare_pool* spares) noexcept {
  try {
    return spares ? spares->retire(paths.dir()) : sandbox_dir::erase(paths.dir());
  } catch (const std::exception&) {
    return std::make_error_code(std::errc::not_enough_memory);  // no memory for the path
  }
}

std::vector<found_sandbox> find_sandboxes(const fs::path& base) {
  std::vector<found_sandbox> found;
  std::error_code ec;
  for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    sandbox_paths paths{.base = base, .id = it->path().filename().string()};
    if (paths.id.starts_with('.')) continue;
    std::optional<owner_record> owner;
    try {
      owner = parse(read_host_file(paths.record()));
    } catch (const std::system_error&) {
      continue;  // removed meanwhile, or not a sandbox
    }
    if (!owner) continue;
    found.push_back({.paths = std::move(paths), .owner = std::move(*owner)});
  }
  return found;
}

}  // namespace sbx::drivers::local
