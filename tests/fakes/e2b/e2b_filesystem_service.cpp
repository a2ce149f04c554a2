// envd's file system: the filesystem.Filesystem RPCs over the sandbox's view of the
// disk (private home and /tmp, the rest of the host read-only), and /files for content
// (GET: raw bytes; POST: raw octet-stream or multipart/form-data, parents created).
#include "fakes/e2b/e2b_envd.hpp"

#include "fakes/common/multipart.hpp"
#include "owner_labels.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <fstream>

namespace sbx_fake::e2b {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using state_ptr = std::shared_ptr<e2b_state>;

std::string permissions_text(fs::file_type type, fs::perms perms) {
  std::string out = type == fs::file_type::directory ? "d" : type == fs::file_type::symlink ? "L" : "-";
  const char* letters = "rwxrwxrwx";
  for (int bit = 8; bit >= 0; --bit)
    out += (static_cast<unsigned>(perms) & (1u << bit)) ? letters[8 - bit] : '-';
  return out;
}

// EntryInfo for the host file `host` shown at `sandbox_path`; nullopt for kinds envd
// reports as unspecified (sockets, devices...).
std::optional<json::object> entry_info(const fs::path& host, const std::string& sandbox_path) {
  std::error_code ec;
  const auto link = fs::symlink_status(host, ec);
  if (ec) return std::nullopt;
  const char* type = nullptr;
  switch (link.type()) {
    case fs::file_type::regular: type = "FILE_TYPE_FILE"; break;
    case fs::file_type::directory: type = "FILE_TYPE_DIRECTORY"; break;
    case fs::file_type::symlink: type = "FILE_TYPE_SYMLINK"; break;
    default: return std::nullopt;
  }
  const auto size = link.type() == fs::file_type::regular ? fs::file_size(host, ec) : 0;
  const auto modified = fs::last_write_time(host, ec);
  const auto modified_utc = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      std::chrono::file_clock::to_sys(modified));
  json::object out{
      {"name", host.filename().string()},
      {"type", type},
      {"path", sandbox_path},
      {"size", std::to_string(size)},
      {"mode", static_cast<unsigned>(link.permissions()) & 0777u},
      {"permissions", permissions_text(link.type(), link.permissions())},
      {"owner", "user"},
      {"group", "user"},
      {"modifiedTime", sbx::detail::format_utc(modified_utc)},
  };
  if (link.type() == fs::file_type::symlink) out["symlinkTarget"] = fs::read_symlink(host, ec).string();
  return out;
}

std::string path_field(const json::object& request, std::string_view key = "path") {
  const auto* v = request.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

fs::path writable_or_throw(const fake_sandbox& sandbox, const std::string& path) {
  auto host = sandbox.paths().writable(path);
  if (!host) throw connect_error("permission_denied", "permission denied: " + path);
  return *host;
}

json::object list_dir(const fake_sandbox& sandbox, const json::object& request) {
  const auto dir = sandbox.paths().resolve(path_field(request));
  std::uint32_t depth = 1;
  if (const auto* d = request.if_contains("depth"); d && d->is_number() && d->to_number<std::int64_t>() > 0)
    depth = d->to_number<std::uint32_t>();
  const auto host = sandbox.paths().readable(dir);
  std::error_code ec;
  const auto status = fs::status(host, ec);
  if (status.type() == fs::file_type::not_found) throw connect_error("not_found", "directory not found: " + dir);
  if (!fs::is_directory(status)) throw connect_error("invalid_argument", "path is not a directory: " + dir);
  std::vector<std::pair<std::string, json::object>> found;
  for (fs::recursive_directory_iterator it(host, ec), end; !ec && it != end; it.increment(ec)) {
    if (static_cast<std::uint32_t>(it.depth()) + 1 >= depth) it.disable_recursion_pending();
    const auto sandbox_path = (dir == "/" ? "" : dir) + "/" + it->path().lexically_relative(host).string();
    if (auto info = entry_info(it->path(), sandbox_path)) found.emplace_back(sandbox_path, std::move(*info));
  }
  if (ec) throw connect_error("internal", "error reading directory " + dir + ": " + ec.message());
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  json::array entries;
  for (auto& [path, info] : found) entries.push_back(std::move(info));
  return {{"entries", std::move(entries)}};
}

json::object stat(const fake_sandbox& sandbox, const json::object& request) {
  const auto path = sandbox.paths().resolve(path_field(request));
  auto info = entry_info(sandbox.paths().readable(path), path);
  if (!info) throw connect_error("not_found", "file not found: " + path);
  return {{"entry", std::move(*info)}};
}

json::object make_dir(const fake_sandbox& sandbox, const json::object& request) {
  const auto path = sandbox.paths().resolve(path_field(request));
  const auto host = writable_or_throw(sandbox, path);
  std::error_code ec;
  const auto status = fs::status(host, ec);
  if (fs::is_directory(status)) throw connect_error("already_exists", "directory already exists: " + path);
  if (fs::exists(status)) throw connect_error("invalid_argument", "path already exists but it is not a directory: " + path);
  fs::create_directories(host, ec);
  if (ec) throw connect_error("internal", "error creating directory: " + ec.message());
  return {{"entry", *entry_info(host, path)}};
}

json::object remove(const fake_sandbox& sandbox, const json::object& request) {
  const auto path = sandbox.paths().resolve(path_field(request));
  std::error_code ec;
  fs::remove_all(writable_or_throw(sandbox, path), ec);
  if (ec) throw connect_error("internal", "error removing: " + ec.message());
  return {};
}

json::object move(const fake_sandbox& sandbox, const json::object& request) {
  const auto source = sandbox.paths().resolve(path_field(request, "source"));
  const auto destination = sandbox.paths().resolve(path_field(request, "destination"));
  const auto from = writable_or_throw(sandbox, source);
  const auto to = writable_or_throw(sandbox, destination);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(from, ec))) throw connect_error("not_found", "source not found: " + source);
  fs::create_directories(to.parent_path(), ec);
  fs::rename(from, to, ec);
  if (ec) throw connect_error("internal", "error moving: " + ec.message());
  return {{"entry", *entry_info(to, destination)}};
}

http_error files_error(unsigned status, std::string message) {
  return http_error(status, json::serialize(json::object{{"code", status}, {"message", std::move(message)}}));
}

// Writes `content` at the sandbox path `path` (parents created); its WriteInfo.
json::object write_file(const fake_sandbox& sandbox, const std::string& path, std::string_view content) {
  const auto host = sandbox.paths().writable(path);
  if (!host) throw files_error(403, "permission denied: " + path);
  std::error_code ec;
  fs::create_directories(host->parent_path(), ec);
  if (fs::is_directory(*host, ec)) throw files_error(400, "path is a directory: " + path);
  std::ofstream out(*host, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out.flush()) throw files_error(500, "error writing file: " + path);
  return {{"path", path}, {"name", host->filename().string()}, {"type", "file"}};
}

json::array upload(const fake_sandbox& sandbox, exchange& ex) {
  const auto query_path = ex.query("path");
  json::array written;
  if (const auto boundary = multipart_boundary(ex.header("Content-Type"))) {
    std::vector<form_part> parts;
    try {
      parts = parse_multipart(ex.body(), *boundary);
    } catch (const std::invalid_argument& e) {
      throw files_error(400, e.what());
    }
    for (const auto& part : parts) {
      if (part.name != "file") continue;
      const auto target = query_path && !query_path->empty() ? *query_path : part.filename;
      if (target.empty()) throw files_error(400, "no path for the uploaded file");
      written.push_back(write_file(sandbox, sandbox.paths().resolve(target), part.content));
    }
    return written;
  }
  if (!query_path || query_path->empty()) throw files_error(400, "path is required for an octet-stream upload");
  written.push_back(write_file(sandbox, sandbox.paths().resolve(*query_path), ex.body()));
  return written;
}

using rpc_function = json::object (*)(const fake_sandbox&, const json::object&);

void add_rpc(router& routes, const state_ptr& state, const char* method, rpc_function rpc) {
  routes.add(http::verb::post, std::string("/filesystem.Filesystem/") + method,
             [state, rpc](exchange& ex) -> awaitable<void> {
               const auto sandbox = envd_sandbox(*state, ex);
               co_await ex.respond_json(200, rpc(*sandbox, rpc_request(ex)));
             });
}

}  // namespace

void add_filesystem_service(router& routes, state_ptr state) {
  add_rpc(routes, state, "ListDir", list_dir);
  add_rpc(routes, state, "Stat", stat);
  add_rpc(routes, state, "MakeDir", make_dir);
  add_rpc(routes, state, "Remove", remove);
  add_rpc(routes, state, "Move", move);
  routes.add(http::verb::get, "/files", [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = envd_sandbox(*state, ex);
    const auto path = sandbox->paths().resolve(ex.query("path").value_or(""));
    const auto host = sandbox->paths().readable(path);
    std::error_code ec;
    const auto status = fs::status(host, ec);
    if (status.type() == fs::file_type::not_found) throw files_error(404, "file not found: " + path);
    if (fs::is_directory(status)) throw files_error(400, "path is a directory: " + path);
    co_await ex.respond_file(host, "application/octet-stream");
  });
  routes.add(http::verb::post, "/files", [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = envd_sandbox(*state, ex);
    co_await ex.respond_json(200, upload(*sandbox, ex));
  });
  routes.add(http::verb::get, "/health", [state](exchange& ex) -> awaitable<void> {
    envd_sandbox(*state, ex, false);
    co_await ex.respond(204);
  });
}

}  // namespace sbx_fake::e2b
