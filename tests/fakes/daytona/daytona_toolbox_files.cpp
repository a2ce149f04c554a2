// The toolbox's file system over the sandbox's view of the disk (private home and
// /tmp, the rest of the host read-only). Relative paths start at the home. Like the
// daemon's handlers, missing paths and refusals answer a bare status without a body;
// downloads honour `Range: bytes=N-` (206) as Go's http.ServeFile does.
#include "fakes/daytona/daytona_fake.hpp"

#include "fakes/common/multipart.hpp"
#include "owner_labels.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>

namespace sbx_fake::daytona {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

http_error bare(unsigned status) { return http_error(status, "", "text/plain"); }

std::string mode_text(fs::file_type type, fs::perms perms) {
  std::string out = type == fs::file_type::directory ? "d" : type == fs::file_type::symlink ? "L" : "-";
  const char* letters = "rwxrwxrwx";
  for (int bit = 8; bit >= 0; --bit) out += (static_cast<unsigned>(perms) & (1u << bit)) ? letters[8 - bit] : '-';
  return out;
}

std::string octal(fs::perms perms) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(perms) & 07777u);
  return text;
}

// The FileInfo of the host file `host` (nullopt when it cannot be inspected).
std::optional<json::object> file_info(const fs::path& host) {
  std::error_code ec;
  const auto status = fs::status(host, ec);
  if (ec) return std::nullopt;
  const bool dir = fs::is_directory(status);
  const auto size = fs::is_regular_file(status) ? fs::file_size(host, ec) : 4096;
  const auto modified = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      std::chrono::file_clock::to_sys(fs::last_write_time(host, ec)));
  const auto when = sbx::detail::format_utc(modified);
  return json::object{
      {"name", host.filename().string()}, {"isDir", dir},       {"size", ec ? 0 : size},
      {"mode", mode_text(status.type(), status.permissions())}, {"permissions", octal(status.permissions())},
      {"owner", "daytona"},              {"group", "daytona"}, {"modTime", when}, {"modifiedAt", when},
  };
}

std::string path_query(const exchange& ex) {
  const auto path = ex.query("path");
  if (!path || path->empty()) throw bare(400);
  return *path;
}

fs::path writable(const fake_sandbox& sandbox, const std::string& path) {
  auto host = sandbox.paths().writable(path);
  if (!host) throw bare(403);
  return *host;
}

json::array list_dir(const fake_sandbox& sandbox, const exchange& ex) {
  const auto dir = sandbox.paths().resolve(ex.query("path").value_or("."));
  const auto host = sandbox.paths().readable(dir);
  std::error_code ec;
  const auto status = fs::status(host, ec);
  if (status.type() == fs::file_type::not_found) throw bare(404);
  if (!fs::is_directory(status)) throw bare(400);
  std::vector<json::object> entries;
  for (fs::directory_iterator it(host, ec), end; !ec && it != end; it.increment(ec))
    if (auto info = file_info(it->path())) entries.push_back(std::move(*info));
  if (ec) throw bare(400);
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.at("name").as_string() < b.at("name").as_string(); });
  return json::array(entries.begin(), entries.end());
}

// The whole file, or nullopt for an error status.
std::string read_all(const fs::path& host) {
  std::ifstream in(host, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The host file behind `path` for reading. Throws 404/400 like the daemon.
fs::path readable_file(const fake_sandbox& sandbox, const std::string& path) {
  const auto host = sandbox.paths().readable(path);
  std::error_code ec;
  const auto status = fs::status(host, ec);
  if (status.type() == fs::file_type::not_found) throw bare(404);
  if (fs::is_directory(status)) throw bare(400);
  return host;
}

// The first byte of a "bytes=N-" range; nullopt when absent or not of that form.
std::optional<std::uint64_t> range_start(std::string_view header) {
  if (!header.starts_with("bytes=") || !header.ends_with("-")) return std::nullopt;
  const auto digits = header.substr(6, header.size() - 7);
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size()) return std::nullopt;
  return value;
}

awaitable<void> download(state_ptr state, exchange& ex) {
  const auto sandbox = toolbox_sandbox(*state, ex);
  const auto path = sandbox->paths().resolve(path_query(ex));
  const auto host = readable_file(*sandbox, path);
  ex.add_response_header("Content-Disposition", "attachment; filename=\"" + host.filename().string() + "\"");
  ex.add_response_header("Accept-Ranges", "bytes");
  const auto start = range_start(ex.header("Range"));
  if (!start) {
    co_await ex.respond_file(host, "application/octet-stream");
    co_return;
  }
  std::error_code ec;
  const auto size = fs::file_size(host, ec);
  if (*start >= size) {
    ex.add_response_header("Content-Range", "bytes */" + std::to_string(size));
    co_await ex.respond(416, "", "text/plain");
    co_return;
  }
  std::ifstream in(host, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(*start));
  std::string rest(std::istreambuf_iterator<char>(in), {});
  ex.add_response_header("Content-Range",
                         "bytes " + std::to_string(*start) + "-" + std::to_string(*start + rest.size() - 1) + "/" +
                             std::to_string(size));
  co_await ex.respond(206, std::move(rest), "application/octet-stream");
}

// Writes `content` at the sandbox path `path`, parents created.
void write_file(const fake_sandbox& sandbox, const std::string& path, std::string_view content) {
  const auto host = writable(sandbox, path);
  std::error_code ec;
  fs::create_directories(host.parent_path(), ec);
  if (fs::is_directory(host, ec)) throw bare(400);
  std::ofstream out(host, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out.flush()) throw bare(400);
}

std::vector<form_part> form_of(exchange& ex) {
  const auto boundary = multipart_boundary(ex.header("Content-Type"));
  if (!boundary) throw toolbox_error(ex, 400, "expected a multipart/form-data body");
  try {
    return parse_multipart(ex.body(), *boundary);
  } catch (const std::invalid_argument& e) {
    throw toolbox_error(ex, 400, e.what());
  }
}

// POST /files/bulk-upload: "files[i].path" text parts, each followed by its
// "files[i].file" part.
json::object bulk_upload(const fake_sandbox& sandbox, exchange& ex) {
  const auto parts = form_of(ex);
  std::map<std::string, std::string> destinations;  // "files[i]" -> path
  json::array written;
  for (const auto& part : parts) {
    const auto dot = part.name.rfind('.');
    if (dot == std::string::npos) continue;
    const auto key = part.name.substr(0, dot);
    const auto field = part.name.substr(dot + 1);
    if (field == "path") {
      destinations[key] = std::string(part.content);
    } else if (field == "file") {
      const auto it = destinations.find(key);
      if (it == destinations.end()) throw toolbox_error(ex, 400, "the path of " + key + " must come before its file");
      const auto path = sandbox.paths().resolve(it->second);
      write_file(sandbox, path, part.content);
      written.push_back(json::object{{"path", path}, {"bytes", part.content.size()}});
    }
  }
  return {{"files", std::move(written)}};
}

// POST /files/bulk-download: one "file" part per path (filename = the path), or an
// "error" part with a JSON error.
std::string bulk_download(const fake_sandbox& sandbox, exchange& ex, const std::string& boundary) {
  const auto body = json_body(ex, true);
  const auto* paths = body.if_contains("paths");
  if (!paths || !paths->is_array()) throw toolbox_error(ex, 400, "paths is required");
  std::vector<std::string> contents;
  std::vector<form_part> parts;
  contents.reserve(paths->as_array().size());
  for (const auto& item : paths->as_array()) {
    const std::string requested = item.is_string() ? std::string(item.as_string()) : std::string();
    const auto host = sandbox.paths().readable(sandbox.paths().resolve(requested));
    std::error_code ec;
    if (fs::is_regular_file(host, ec)) {
      contents.push_back(read_all(host));
      parts.push_back({.name = "file", .filename = requested});
    } else {
      contents.push_back(json::serialize(json::object{{"message", "file not found: " + requested}, {"statusCode", 404},
                                                      {"code", "NOT_FOUND"}}));
      parts.push_back({.name = "error", .filename = requested});
    }
  }
  for (std::size_t i = 0; i < parts.size(); ++i) parts[i].content = contents[i];
  return multipart_body(parts, boundary);
}

void make_folder(const fake_sandbox& sandbox, const exchange& ex) {
  const auto path = sandbox.paths().resolve(path_query(ex));
  const auto mode = ex.query("mode").value_or("755");
  unsigned bits = 0;
  const auto [ptr, ec] = std::from_chars(mode.data(), mode.data() + mode.size(), bits, 8);
  if (mode.empty() || ec != std::errc{} || ptr != mode.data() + mode.size() || bits > 07777) throw bare(400);
  const auto host = writable(sandbox, path);
  std::error_code error;
  fs::create_directories(host, error);
  if (error) throw bare(400);
  fs::permissions(host, static_cast<fs::perms>(bits), error);
}

void remove_path(const fake_sandbox& sandbox, const exchange& ex) {
  const auto path = sandbox.paths().resolve(path_query(ex));
  const auto host = writable(sandbox, path);
  std::error_code ec;
  const auto status = fs::symlink_status(host, ec);
  if (status.type() == fs::file_type::not_found) throw bare(404);
  if (fs::is_directory(status) && ex.query("recursive").value_or("false") != "true" && !fs::is_empty(host, ec))
    throw bare(400);
  fs::remove_all(host, ec);
  if (ec) throw bare(400);
}

}  // namespace

void add_toolbox_files(router& routes, state_ptr state) {
  routes.add(http::verb::get, toolbox_route("/files"), [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = toolbox_sandbox(*state, ex);
    co_await ex.respond_json(200, list_dir(*sandbox, ex));
  });
  routes.add(http::verb::delete_, toolbox_route("/files"), [state](exchange& ex) -> awaitable<void> {
    remove_path(*toolbox_sandbox(*state, ex), ex);
    co_await ex.respond(204);
  });
  routes.add(http::verb::get, toolbox_route("/files/info"), [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = toolbox_sandbox(*state, ex);
    const auto host = sandbox->paths().readable(sandbox->paths().resolve(path_query(ex)));
    const auto info = file_info(host);
    if (!info) throw bare(404);
    co_await ex.respond_json(200, *info);
  });
  routes.add(http::verb::get, toolbox_route("/files/download"), [state](exchange& ex) { return download(state, ex); });
  routes.add(http::verb::post, toolbox_route("/files/bulk-download"), [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = toolbox_sandbox(*state, ex);
    const std::string boundary = "sbx-fake-" + sbx::detail::random_hex(16);
    auto body = bulk_download(*sandbox, ex, boundary);
    co_await ex.respond(200, std::move(body), "multipart/form-data; boundary=" + boundary);
  });
  routes.add(http::verb::post, toolbox_route("/files/upload"), [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = toolbox_sandbox(*state, ex);
    const auto path = sandbox->paths().resolve(path_query(ex));
    bool written = false;
    for (const auto& part : form_of(ex))
      if (part.name == "file" && !written) {
        write_file(*sandbox, path, part.content);
        written = true;
      }
    if (!written) throw toolbox_error(ex, 400, "no file part");
    co_await ex.respond(200, "{}");
  });
  routes.add(http::verb::post, toolbox_route("/files/bulk-upload"), [state](exchange& ex) -> awaitable<void> {
    const auto sandbox = toolbox_sandbox(*state, ex);
    co_await ex.respond_json(200, bulk_upload(*sandbox, ex));
  });
  routes.add(http::verb::post, toolbox_route("/files/folder"), [state](exchange& ex) -> awaitable<void> {
    make_folder(*toolbox_sandbox(*state, ex), ex);
    co_await ex.respond(201);
  });
}

}  // namespace sbx_fake::daytona
