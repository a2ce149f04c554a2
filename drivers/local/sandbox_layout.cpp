#include "drivers/local/sandbox_layout.hpp"

#include "drivers/local/host_files.hpp"
#include "owner_labels.hpp"
#include "process/unique_fd.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sbx::drivers::local {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::string_view record_suffix = ".owner.json";

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

// Creates the record of a new id (from a spare file when there is one); O_EXCL, or a
// rename that refuses to replace, makes the id ours.
sandbox_paths reserve_id(const fs::path& base, const std::string& record, spare_pool& spares) {
  for (;;) {
    sandbox_paths paths{.base = base, .id = "sbx-" + detail::random_hex(12)};
    if (const int placed = spares.place_file(paths.record(), record); placed == 0) {
      return paths;
    } else if (placed == EEXIST) {
      continue;
    }
    const process::unique_fd fd(::open(paths.record().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd && errno == EEXIST) continue;
    if (!fd) throw std::system_error(errno, std::generic_category(), paths.record().string());
    if (::write(fd.get(), record.data(), record.size()) != static_cast<ssize_t>(record.size())) {
      const int error = errno;
      ::unlink(paths.record().c_str());
      throw std::system_error(error, std::generic_category(), paths.record().string());
    }
    return paths;
  }
}

void make_private_dir(const fs::path& dir, spare_pool& spares) {
  if (spares.take_directory(dir)) return;
  if (::mkdir(dir.c_str(), 0700) != 0) throw std::system_error(errno, std::generic_category(), dir.string());
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

sandbox_paths create_sandbox(const fs::path& base, const owner_record& owner, bool own_workdir,
                             spare_pool& spares) {
  fs::create_directories(base);
  const auto paths = reserve_id(base, serialize(owner), spares);
  try {
    make_private_dir(paths.tmp(), spares);
    if (own_workdir) make_private_dir(paths.own_workdir(), spares);
  } catch (...) {
    remove_sandbox(paths, &spares);
    throw;
  }
  return paths;
}

std::error_code remove_sandbox(const sandbox_paths& paths, spare_pool* spares) noexcept {
  for (const auto& dir : {paths.own_workdir(), paths.tmp()}) {
    if (const auto ec = spares ? spares->retire_directory(dir) : remove_host_tree(dir)) return ec;
  }
  if (spares) return spares->retire_file(paths.record());
  std::error_code ec;
  fs::remove(paths.record(), ec);
  return ec;
}

std::vector<found_sandbox> find_sandboxes(const fs::path& base) {
  std::vector<found_sandbox> found;
  std::error_code ec;
  for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.ends_with(record_suffix)) continue;
    std::optional<owner_record> owner;
    try {
      owner = parse(read_host_file(it->path()));
    } catch (const std::system_error&) {
      continue;  // removed meanwhile
    }
    if (!owner) continue;
    found.push_back({.paths = {.base = base, .id = name.substr(0, name.size() - record_suffix.size())},
                     .owner = std::move(*owner)});
  }
  return found;
}

}  // namespace sbx::drivers::local
