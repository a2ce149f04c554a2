#include "fakes/modal/fs_tools.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>
#include <iterator>
#include <sstream>

namespace sbx_fake::modal {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

helper_result failure(const std::string& kind, const std::string& message) {
  return {.err = json::serialize(json::object{{"error_kind", kind}, {"message", message}, {"detail", nullptr}}),
          .exit_code = 1};
}

json::object entry(const std::string& sandbox_path, const fs::path& host) {
  std::error_code ec;
  const auto status = fs::symlink_status(host, ec);
  const char* type = fs::is_directory(status) ? "directory" : fs::is_symlink(status) ? "symlink" : "file";
  json::object e{{"name", host.filename().string()}, {"path", sandbox_path}, {"type", type}};
  e["size"] = fs::is_regular_file(status) ? static_cast<std::uint64_t>(fs::file_size(host, ec)) : 0;
  return e;
}

std::string child_path(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

helper_result read_file(const sandbox_paths& paths, const std::string& path) {
  const auto host = paths.readable(path);
  if (fs::is_directory(host)) return failure("IsDirectory", "Is a directory: " + path);
  std::ifstream in(host, std::ios::binary);
  if (!in) return failure("NotFound", "No such file or directory: " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return {.out = std::move(out).str()};
}

helper_result write_file(const sandbox_paths& paths, const std::string& path, const std::string& input) {
  const auto host = paths.writable(path);
  if (!host) return failure("PermissionDenied", "Read-only file system: " + path);
  if (fs::is_directory(*host)) return failure("IsDirectory", "Is a directory: " + path);
  std::error_code ec;
  fs::create_directories(host->parent_path(), ec);
  std::ofstream out(*host, std::ios::binary | std::ios::trunc);
  if (!out) return failure("PermissionDenied", "cannot write " + path);
  out.write(input.data(), static_cast<std::streamsize>(input.size()));
  return {};
}

helper_result list_files(const sandbox_paths& paths, const std::string& path) {
  const auto host = paths.readable(path);
  std::error_code ec;
  if (!fs::exists(host, ec)) return failure("NotFound", "No such file or directory: " + path);
  if (!fs::is_directory(host, ec)) return failure("NotDirectory", "Not a directory: " + path);
  json::array entries;
  for (const auto& item : fs::directory_iterator(host, ec))
    entries.push_back(entry(child_path(path, item.path().filename().string()), item.path()));
  return {.out = json::serialize(entries)};
}

helper_result stat(const sandbox_paths& paths, const std::string& path) {
  const auto host = paths.readable(path);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(host, ec))) return failure("NotFound", "No such file or directory: " + path);
  return {.out = json::serialize(entry(path, host))};
}

helper_result make_directory(const sandbox_paths& paths, const std::string& path, bool parents) {
  const auto host = paths.writable(path);
  if (!host) return failure("PermissionDenied", "Read-only file system: " + path);
  std::error_code ec;
  if (fs::exists(*host, ec)) return parents ? helper_result{} : failure("AlreadyExists", "File exists: " + path);
  if (parents) fs::create_directories(*host, ec);
  else fs::create_directory(*host, ec);
  return ec ? failure("NotFound", ec.message() + ": " + path) : helper_result{};
}

helper_result remove(const sandbox_paths& paths, const std::string& path, bool recursive) {
  const auto host = paths.writable(path);
  if (!host) return failure("PermissionDenied", "Read-only file system: " + path);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(*host, ec))) return failure("NotFound", "No such file or directory: " + path);
  if (recursive) fs::remove_all(*host, ec);
  else fs::remove(*host, ec);
  return ec ? failure("DirectoryNotEmpty", ec.message() + ": " + path) : helper_result{};
}

}  // namespace

bool wants_input(const std::string& request_json) {
  boost::system::error_code ec;
  const auto value = json::parse(request_json, ec);
  return !ec && value.is_object() && value.as_object().contains("WriteFile");
}

helper_result run_fs_tools(const sandbox_paths& paths, const std::string& request_json, const std::string& input) {
  boost::system::error_code ec;
  const auto value = json::parse(request_json, ec);
  if (ec || !value.is_object() || value.as_object().size() != 1)
    return {.err = "modal-sandbox-fs-tools: malformed request\n", .exit_code = 2};
  const auto& [operation, arguments] = *value.as_object().begin();
  const auto* path_value = arguments.is_object() ? arguments.as_object().if_contains("path") : nullptr;
  if (!path_value || !path_value->is_string() || !path_value->as_string().starts_with("/"))
    return failure("InvalidPath", "paths must be absolute");
  const std::string path = paths.resolve(path_value->as_string());
  const auto flag = [&](const char* name) {
    const auto* v = arguments.as_object().if_contains(name);
    return v && v->is_bool() && v->as_bool();
  };
  if (operation == "ReadFile") return read_file(paths, path);
  if (operation == "WriteFile") return write_file(paths, path, input);
  if (operation == "ListFiles") return list_files(paths, path);
  if (operation == "Stat") return stat(paths, path);
  if (operation == "MakeDirectory") return make_directory(paths, path, flag("parents"));
  if (operation == "Remove") return remove(paths, path, flag("recursive"));
  return failure("NotSupported", "unknown operation " + std::string(operation));
}

}  // namespace sbx_fake::modal
