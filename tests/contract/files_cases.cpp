// Contract cases F1–F9: files and trees.
#include "fixture.hpp"

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace sbx_contract;
using sbx::Sandbox;
namespace fs = std::filesystem;

namespace {

// A fresh host directory removed when the test ends.
struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("sbx-contract-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

void write_host_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string read_host_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// An argument vector built outside a coroutine (GCC 12 rejects initializer lists of
// strings inside coroutine frames).
std::vector<std::string> words(std::string a, std::string b) { return {std::move(a), std::move(b)}; }

}  // namespace

TEST_CASE("F1 all 256 byte values round-trip", "[contract][files]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const auto bytes = pattern_bytes(256);
    co_await sb.write_file("bytes.bin", bytes);
    AWAIT_CHECK(co_await sb.read_file("bytes.bin") == bytes);
    AWAIT_CHECK((co_await sb.exec("wc -c < bytes.bin")).std_out.find("256") != std::string::npos);
  });
}

TEST_CASE("F2 a 100 MiB file round-trips", "[contract][files]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    auto big = pattern_bytes(100u << 20, 7);
    co_await sb.write_file("big.bin", big);
    const auto back = co_await sb.read_file("big.bin");
    CHECK(back.size() == big.size());
    CHECK(back == big);
  });
}

TEST_CASE("F3 write_file creates missing parents", "[contract][files]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    co_await sb.write_file("a/b/c/d.txt", "deep");
    AWAIT_CHECK((co_await sb.exec("cat a/b/c/d.txt")).std_out == "deep");
  });
}

TEST_CASE("F4 list_files gives full paths, kinds, sizes, sorted; errors are clear", "[contract][files]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    co_await sb.write_file("dir/b.txt", "bb");
    co_await sb.write_file("dir/a.txt", "a");
    co_await sb.exec("mkdir -p dir/sub");
    const auto entries = co_await sb.list_files("dir");
    const auto root = sb.workdir() + "/dir";
    REQUIRE(entries.size() == 3);
    CHECK(entries[0] == sbx::FileInfo{root + "/a.txt", false, 1});
    CHECK(entries[1] == sbx::FileInfo{root + "/b.txt", false, 2});
    CHECK(entries[2].path == root + "/sub");
    CHECK(entries[2].is_dir);
    AWAIT_CHECK(co_await throws<sbx::SandboxNotFoundError>(sb.list_files("missing")));
    AWAIT_CHECK(co_await throws(sb.list_files("dir/a.txt")));
  });
}

TEST_CASE("F5 reading a missing file is not_found", "[contract][files]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    try {
      co_await sb.read_file("no/such/file");
      FAIL("no error");
    } catch (const sbx::SandboxError& e) {
      CHECK(e.code() == sbx::errc::not_found);
      CHECK(e.error_code() == sbx::errc::not_found);
    }
  });
}

TEST_CASE("F6 names with spaces, quotes and non-ASCII letters work", "[contract][files]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    const std::string name = "dir with space/it's \"q\" \xc3\xa9t\xc3\xa9.txt";
    co_await sb.write_file(name, "ok");
    AWAIT_CHECK(co_await sb.read_file(name) == "ok");
    const auto entries = co_await sb.list_files("dir with space");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].path == sb.workdir() + "/" + name);
    AWAIT_CHECK((co_await sb.exec(sbx::argv(words("cat", name)))).std_out == "ok");
  });
}

TEST_CASE("F7 upload_file and download_file, local parents created", "[contract][files]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    temp_dir tmp;
    const auto content = pattern_bytes(70000, 3);
    write_host_file(tmp.path / "in.bin", content);
    co_await sb.upload_file(tmp.path / "in.bin", "up/in.bin");
    AWAIT_CHECK(co_await sb.read_file("up/in.bin") == content);
    co_await sb.download_file("up/in.bin", tmp.path / "new/parents/out.bin");
    CHECK(read_host_file(tmp.path / "new/parents/out.bin") == content);
  });
}

TEST_CASE("F8 upload_dir and download_dir keep the tree, empty files and exec bits", "[contract][files]") {
  if (skip_unavailable()) return;
  for (const auto method : {sbx::transfer_method::automatic, sbx::transfer_method::per_file}) {
    with_sandbox([method](Sandbox& sb) -> awaitable<void> {
      temp_dir tmp;
      const auto src = tmp.path / "src";
      write_host_file(src / "a.txt", "A");
      write_host_file(src / "nested/deeper/b.bin", pattern_bytes(4096));
      write_host_file(src / "empty.txt", "");
      write_host_file(src / "run.sh", "#!/bin/sh\necho ran\n");
      fs::permissions(src / "run.sh", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
      fs::create_directories(src / "empty_dir");
      AWAIT_CHECK(co_await sb.upload_dir(src, "tree", method) == 4);
      AWAIT_CHECK((co_await sb.exec("./tree/run.sh")).std_out == "ran\n");
      AWAIT_CHECK((co_await sb.exec("test -d tree/empty_dir && test -f tree/empty.txt && echo yes")).std_out == "yes\n");
      const auto dst = tmp.path / "dst";
      AWAIT_CHECK(co_await sb.download_dir("tree", dst, method) == 4);
      CHECK(read_host_file(dst / "nested/deeper/b.bin") == pattern_bytes(4096));
      CHECK(read_host_file(dst / "a.txt") == "A");
      CHECK(fs::exists(dst / "empty.txt"));
      if (method != sbx::transfer_method::per_file) {
        CHECK((fs::status(dst / "run.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
        CHECK(fs::is_directory(dst / "empty_dir"));
      }
    });
  }
}

TEST_CASE("F8 a downloaded tree holding a link is refused and writes nothing outside", "[contract][files]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    temp_dir tmp;
    co_await sb.exec("mkdir -p evil && echo x > evil/file && ln -s /etc/passwd evil/link");
    const auto dst = tmp.path / "dst";
    AWAIT_CHECK(co_await throws<sbx::WorkspaceError>(sb.download_dir("evil", dst, sbx::transfer_method::tar)));
    CHECK_FALSE(fs::exists(dst / "link"));
    CHECK_FALSE(fs::exists(tmp.path / "passwd"));
  });
}

TEST_CASE("F9 empty files and empty directories", "[contract][files]") {
  if (skip_unavailable()) return;
  with_sandbox([](Sandbox& sb) -> awaitable<void> {
    co_await sb.write_file("empty.txt", "");
    AWAIT_CHECK((co_await sb.read_file("empty.txt")).empty());
    co_await sb.exec("mkdir -p hollow");
    AWAIT_CHECK((co_await sb.list_files("hollow")).empty());
    const auto entries = co_await sb.list_files(".");
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&](const sbx::FileInfo& f) { return f.path == sb.workdir() + "/empty.txt"; });
    REQUIRE(it != entries.end());
    CHECK(it->size == std::optional<std::uint64_t>(0));
  });
}
