#include "drivers/docker/archives.hpp"

#include "drivers/docker/requests.hpp"

#include <charconv>

namespace sbx::drivers::docker {
namespace {

constexpr auto transfer_timeout = std::chrono::minutes(30);
constexpr int max_links = 8;

std::string archive_target(const std::string& container, const std::string& path) {
  return "/containers/" + container + "/archive?path=" + query_value(path);
}

[[noreturn]] void refuse(const std::string& op, const std::string& why, const std::string& path) {
  throw SandboxExecutionError(op + " failed: " + why, {.backend = "docker", .op = op, .context = {{"path", path}}});
}

path_stat stat_header(const http::fields& headers, const std::string& op, const std::string& path) {
  const auto header = headers.get("X-Docker-Container-Path-Stat");
  auto stat = header ? decode_path_stat(*header) : std::nullopt;
  if (!stat) refuse(op, "the Docker daemon sent no readable X-Docker-Container-Path-Stat header", path);
  return std::move(*stat);
}

std::size_t content_length(const http::fields& headers) {
  const auto value = headers.get("Content-Length").value_or("");
  std::size_t n = 0;
  std::from_chars(value.data(), value.data() + value.size(), n);
  return n;
}

}  // namespace

awaitable<void> put_archive(const engine& daemon, const std::string& container, const std::string& dir,
                            std::string tar, bool copy_owner, const std::string& op) {
  auto target = archive_target(container, dir);
  if (copy_owner) target += "&copyUIDGID=true";
  http::request req{.method = http::verb::put, .target = std::move(target), .body = std::move(tar), .op = op};
  req.headers.set("Content-Type", "application/x-tar");
  req.timeout = transfer_timeout;
  const auto answer = co_await daemon.send(std::move(req));
  expect_status(answer.status, answer.body, {200}, op, failure_kind::execution, {{"path", dir}});
}

awaitable<std::optional<path_stat>> stat_path(const engine& daemon, const std::string& container,
                                              const std::string& path, const std::string& op) {
  const auto answer = co_await daemon.send(plain_request(http::verb::head, archive_target(container, path), op));
  if (answer.status == 404) co_return std::nullopt;
  expect_status(answer.status, answer.body, {200}, op, failure_kind::execution, {{"path", path}});
  co_return stat_header(answer.headers, op, path);
}

awaitable<std::string> get_archive(const engine& daemon, const std::string& container, std::string path,
                                   archive_kind kind, const std::string& op) {
  const auto requested = path;
  if (kind == archive_kind::directory) path += "/.";
  for (int links = 0;; ++links) {
    auto req = plain_request(http::verb::get, archive_target(container, path), op);
    req.timeout = transfer_timeout;
    auto stream = co_await daemon.open_stream(std::move(req));
    if (stream.status() != 200) {
      const auto body = co_await stream.read_all();
      throw_engine_error(stream.status(), body, op, failure_kind::execution, {{"path", requested}});
    }
    if (kind == archive_kind::file) {
      const auto stat = stat_header(stream.headers(), op, requested);
      if (stat.is_dir) refuse(op, "is a directory", requested);
      if (stat.is_symlink) {
        if (links == max_links || stat.link_target.empty()) refuse(op, "too many levels of symbolic links", requested);
        stream.close();
        path = stat.link_target;
        continue;
      }
    }
    std::string tar;
    tar.reserve(content_length(stream.headers()));
    while (const auto chunk = co_await stream.next_chunk()) tar.append(*chunk);
    co_return tar;
  }
}

}  // namespace sbx::drivers::docker
