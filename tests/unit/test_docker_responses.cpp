// Docker driver: parsing the daemon's answers, Docker's and Podman's shapes (pure).
#include "drivers/docker/directory_listing.hpp"
#include "drivers/docker/engine_errors.hpp"
#include "drivers/docker/file_tar.hpp"
#include "drivers/docker/pull_progress.hpp"
#include "drivers/docker/responses.hpp"
#include "transfer/archive.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace dk = sbx::drivers::docker;

TEST_CASE("docker errors: JSON message, Podman's shape, plain text", "[docker][errors]") {
  CHECK(dk::engine_message("{\"message\":\"No such container: abc\"}\n") == "No such container: abc");
  CHECK(dk::engine_message(R"({"cause":"no such container","message":"no container with name or ID \"x\" found: no such container","response":404})") ==
        "no container with name or ID \"x\" found: no such container");
  CHECK(dk::engine_message("client version 1.10 is too old\n") == "client version 1.10 is too old");
  CHECK(dk::engine_message(std::string(2000, 'x')).size() == 503);
}

TEST_CASE("docker errors: statuses map to the sbx taxonomy", "[docker][errors]") {
  CHECK_THROWS_AS(dk::throw_engine_error(404, R"({"message":"No such container: x"})", "exec", dk::failure_kind::execution),
                  sbx::SandboxNotFoundError);
  CHECK_THROWS_AS(dk::throw_engine_error(409, R"({"message":"Container abc is not running"})", "exec",
                                         dk::failure_kind::execution),
                  sbx::SandboxNotFoundError);
  // Podman answers exec create on a stopped container with 500.
  CHECK_THROWS_AS(dk::throw_engine_error(500, R"({"cause":"container state improper","message":"can only create exec sessions on running containers: container state improper","response":500})",
                                         "exec", dk::failure_kind::execution),
                  sbx::SandboxNotFoundError);
  CHECK_THROWS_AS(dk::throw_engine_error(400, R"({"message":"Minimum memory limit allowed is 6MB"})", "create",
                                         dk::failure_kind::creation),
                  sbx::SandboxCreationError);
  try {
    dk::throw_engine_error(503, "busy", "create", dk::failure_kind::creation, {{"image", "x"}});
  } catch (const sbx::SandboxError& e) {
    CHECK(e.retryable());
    CHECK(e.context().at("status") == "503");
    CHECK(e.context().at("image") == "x");
    CHECK(e.backend() == "docker");
    CHECK_THAT(e.message(), Catch::StartsWith("create failed: Docker Engine API 503: busy"));
  }
}

TEST_CASE("docker exec inspect: exit code is nullable", "[docker][responses]") {
  const auto running = dk::parse_exec_inspect(R"({"ID":"e","Running":true,"ExitCode":null,"Pid":4242})", "exec");
  CHECK(running.running);
  CHECK_FALSE(running.exit_code.has_value());
  const auto done = dk::parse_exec_inspect(R"({"ID":"e","Running":false,"ExitCode":42,"Pid":4242})", "exec");
  CHECK_FALSE(done.running);
  CHECK(done.exit_code == 42);
  CHECK_THROWS_AS(dk::parse_exec_inspect("not json", "exec"), sbx::SandboxExecutionError);
}

TEST_CASE("docker ids, image and container inspection", "[docker][responses]") {
  CHECK(dk::parse_id(R"({"Id":"sha256:0123","Warnings":[]})", "create") == "sha256:0123");
  CHECK(dk::parse_id(R"({"Id":"0123abcd"})", "snapshot") == "0123abcd");  // Podman commit: no prefix
  CHECK_THROWS_AS(dk::parse_id(R"({"Warnings":[]})", "create"), sbx::SandboxExecutionError);
  const auto image = dk::parse_image_inspect(R"({"Id":"sha256:1","Config":{"WorkingDir":"/root","User":"app"}})", "c");
  CHECK(image.working_dir == "/root");
  CHECK(image.user == "app");
  const auto container = dk::parse_container_inspect(
      R"({"Id":"abc","State":{"Running":true},"Config":{"WorkingDir":"/w","Labels":{"sbx.pid":"1"}}})", "resume");
  CHECK(container.running);
  CHECK(container.working_dir == "/w");
  CHECK(container.labels.at("sbx.pid") == "1");
  const auto list = dk::parse_container_list(R"([{"Id":"a","Labels":{"k":"v"}},{"Id":"b","Labels":null}])", "sweep");
  REQUIRE(list.size() == 2);
  CHECK(list[0].labels.at("k") == "v");
  CHECK(list[1].labels.empty());
}

TEST_CASE("docker path stat header: Docker's and Podman's base64 alphabets", "[docker][responses][podman]") {
  // Observed on Docker 20.10 for "/t/.": {"name":".","size":4096,"mode":2147484141,...}
  const auto docker = dk::decode_path_stat(
      "eyJuYW1lIjoiLiIsInNpemUiOjQwOTYsIm1vZGUiOjIxNDc0ODQxNDEsIm10aW1lIjoiMjAyNi0xMS0yN1QxMzo1MjowNy4wMjEzMDU1MzdaIiwibGlua1RhcmdldCI6IiJ9");
  REQUIRE(docker.has_value());
  CHECK(docker->name == ".");
  CHECK(docker->is_dir);
  CHECK_FALSE(docker->is_symlink);
  CHECK((docker->mode & 0777) == 0755);
  // {"name":"l??","size":1,"mode":134218239,"mtime":"x","linkTarget":"/etc/ab?","isDir":false} in the
  // URL-safe alphabet (this one needs no padding): '-' and '_' appear where Docker would send '+' and '/'.
  const auto podman = dk::decode_path_stat(
      "eyJuYW1lIjoibD8_Iiwic2l6ZSI6MSwibW9kZSI6MTM0MjE4MjM5LCJtdGltZSI6IngiLCJsaW5rVGFyZ2V0IjoiL2V0Yy9hYj8iLCJpc0RpciI6ZmFsc2V9");
  REQUIRE(podman.has_value());
  CHECK(podman->name == "l??");
  CHECK(podman->is_symlink);
  CHECK(podman->link_target == "/etc/ab?");
  CHECK_FALSE(podman->is_dir);
  const auto padded = dk::decode_path_stat(  // padded with "=="
      "eyJuYW1lIjoieD8_PiIsInNpemUiOjEsIm1vZGUiOjEzNDIxODIzOSwibXRpbWUiOiJ4IiwibGlua1RhcmdldCI6Ii9ldGMvYWI_IiwiaXNEaXIiOmZhbHNlfQ==");
  REQUIRE(padded.has_value());
  CHECK(padded->name == "x?\?>");
  CHECK_FALSE(dk::decode_path_stat("!!!").has_value());
  CHECK_FALSE(dk::decode_path_stat("bm90IGpzb24=").has_value());  // "not json"
}

TEST_CASE("docker pull progress: split messages, CRLF or LF, errors inside a 200", "[docker][pull]") {
  const std::string stream =
      "{\"status\":\"Pulling from library/python\",\"id\":\"3.12\"}\r\n"
      "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":100,\"total\":1000},\"id\":\"abc\"}\n"
      "{\"status\":\"Pull complete\",\"id\":\"abc\",\"extra\":[1,2]}\r\n"
      "{\"errorDetail\":{\"message\":\"manifest unknown\"},\"error\":\"manifest unknown\"}\r\n";
  for (const std::size_t step : {std::size_t{1}, std::size_t{17}, stream.size()}) {
    dk::pull_progress_parser parser;
    std::vector<dk::pull_event> events;
    for (std::size_t at = 0; at < stream.size(); at += step)
      for (auto& e : parser.feed(std::string_view(stream).substr(at, step))) events.push_back(std::move(e));
    parser.finish();
    REQUIRE(events.size() == 4);
    CHECK(events[0].status == "Pulling from library/python");
    CHECK(events[1].current == 100);
    CHECK(events[1].total == 1000);
    CHECK(events[2].status == "Pull complete");
    CHECK_FALSE(events[2].error.has_value());
    CHECK(events[3].error == "manifest unknown");
  }
  dk::pull_progress_parser legacy;  // only the deprecated "error" string
  CHECK(legacy.feed(R"({"error":"denied"})")[0].error == "denied");

  dk::pull_progress_parser cut;
  cut.feed("{\"status\":\"Downl");
  CHECK_THROWS_AS(cut.finish(), sbx::SandboxCreationError);
  dk::pull_progress_parser garbage;
  CHECK_THROWS_AS(garbage.feed("<html>"), sbx::SandboxCreationError);
}

TEST_CASE("docker listing output: NUL records with any name", "[docker][files]") {
  using namespace std::string_literals;
  const auto entries = dk::parse_listing("f 2 /t/a b\0d 4096 /t/sub\0f 1 /t/nl\nx\0l 4 /t/lnk\0"s);
  REQUIRE(entries.size() == 4);
  CHECK(entries[0] == sbx::FileInfo{"/t/a b", false, 2});
  CHECK(entries[1] == sbx::FileInfo{"/t/sub", true, std::nullopt});
  CHECK(entries[2].path == "/t/nl\nx");
  CHECK(entries[3] == sbx::FileInfo{"/t/lnk", false, std::nullopt});
  CHECK(dk::parse_listing("").empty());
  CHECK_THROWS_AS(dk::parse_listing("garbage\0"s), sbx::SandboxExecutionError);
}

TEST_CASE("docker file archives round-trip one member in place", "[docker][files]") {
  std::string content;
  for (int i = 0; i < 3 * 70000; ++i) content += static_cast<char>(i * 7);
  const std::string name = "workspace/dir with space/it's \xc3\xa9t\xc3\xa9.bin";
  auto tar = dk::file_archive(name, content, 0755, 1700000000);
  CHECK(tar.size() % 512 == 0);
  CHECK(dk::first_member_content(tar, "/x") == content);
  CHECK(dk::first_member_content(dk::file_archive("empty", "", 0644, 0), "/x").empty());
  CHECK_THROWS_WITH(dk::first_member_content(dk::directory_archive("workspace/d", 0), "/d"),
                    Catch::Contains("not a regular file"));
  CHECK_THROWS_AS(dk::first_member_content(tar.substr(0, 2048), "/x"), sbx::SandboxExecutionError);
  CHECK_THROWS_AS(dk::first_member_content("", "/x"), sbx::SandboxExecutionError);
}

TEST_CASE("docker directory downloads are gzip-compressed tars the core can unpack", "[docker][files]") {
  const auto tar_gz = dk::gzip(dk::file_archive("sub/a.txt", "hello", 0640, 1700000000));
  REQUIRE(tar_gz.size() > 2);
  CHECK(static_cast<unsigned char>(tar_gz[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(tar_gz[1]) == 0x8b);
  const auto dest = std::filesystem::temp_directory_path() / ("sbx-docker-gzip-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dest);
  CHECK(sbx::detail::unpack_archive(tar_gz, dest) == 1);
  std::ifstream in(dest / "sub/a.txt", std::ios::binary);
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "hello");
  std::filesystem::remove_all(dest);
}
