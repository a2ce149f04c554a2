// Directory archives: round trips, skipped host entries, and hostile archives refused
// before anything is written.
#include "transfer/archive.hpp"
#include "transfer/member_tree.hpp"

#include "sbx/errors.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using sbx::detail::pack_directory;
using sbx::detail::safe_member_path;
using sbx::detail::unpack_archive;

namespace {

/// A fresh directory under the system temp dir, removed with its contents.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "sbx-archive-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec))
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path operator/(const fs::path& rel) const { return path_ / rel; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const std::string& content, mode_t mode = 0644) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

time_t mtime_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mtim.tv_sec;
}

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    names.push_back(e.path().lexically_relative(dir).generic_string());
  std::sort(names.begin(), names.end());
  return names;
}

/// Member names of an archive, in archive order.
std::vector<std::string> member_names(const std::string& data) {
  archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, data.data(), data.size()) == ARCHIVE_OK);
  std::vector<std::string> names;
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK)
    names.emplace_back(archive_entry_pathname(e));
  archive_read_free(a);
  return names;
}

/// One member of a hand-built archive.
struct member {
  std::string name;
  mode_t type = AE_IFREG;
  std::string content = {};
  std::string link = {};  // symlink target, or hardlink target when type is 0
  mode_t perm = 0644;
};

la_ssize_t append_to_string(archive*, void* out, const void* data, std::size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

/// An archive with exactly these members, built with libarchive directly.
std::string build_archive(const std::vector<member>& members, bool gzip = true) {
  std::string out;
  archive* a = archive_write_new();
  if (gzip) archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr, append_to_string, nullptr);
  for (const auto& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_perm(e, m.perm);
    if (m.type == 0) {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, m.link.c_str());
    } else {
      archive_entry_set_filetype(e, m.type);
    }
    if (m.type == AE_IFLNK) archive_entry_set_symlink(e, m.link.c_str());
    if (m.type == AE_IFCHR || m.type == AE_IFBLK) archive_entry_set_rdev(e, makedev(1, 3));
    archive_entry_set_size(e, static_cast<la_int64_t>(m.content.size()));
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    if (!m.content.empty()) archive_write_data(a, m.content.data(), m.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

/// The WorkspaceError `f` throws, if it throws one.
std::optional<sbx::WorkspaceError> workspace_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const sbx::WorkspaceError& e) {
    return e;
  }
  return std::nullopt;
}

std::string all_byte_values(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 7 + i / 256) % 256);
  return s;
}

const std::string odd_name = "sp ace 'q\" d\xc3\xa9j\xc3\xa0 \xe2\x9c\x93.txt";
const std::string long_name = "nested/" + std::string(150, 'n') + ".txt";  // beyond ustar's 100

/// A tree with nested and empty directories, empty, executable, binary, oddly named and
/// long-named files.
void make_sample_tree(const fs::path& root) {
  write_file(root / "top.txt", "hello\n");
  const timespec times[2] = {{0, UTIME_OMIT}, {1'000'000'000, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (root / "top.txt").c_str(), times, 0) == 0);
  write_file(root / "bin/run.sh", "#!/bin/sh\necho hi\n", 0755);
  write_file(root / "nested/deep/er/leaf.txt", "leaf", 0600);
  write_file(root / "empty.txt", "");
  write_file(root / "binary.bin", all_byte_values(3 * 65536 + 17));
  write_file(root / odd_name, "odd");
  write_file(root / long_name, "long");
  fs::create_directories(root / "empty_dir");
  fs::create_directories(root / "private_dir/sub");
  REQUIRE(::chmod((root / "private_dir").c_str(), 0750) == 0);
}

}  // namespace

TEST_CASE("safe_member_path normalises relative member names", "[archive]") {
  CHECK(safe_member_path("a/b.txt") == "a/b.txt");
  CHECK(safe_member_path("./a//b/") == "a/b");
  CHECK(safe_member_path("dir/") == "dir");
  CHECK(safe_member_path("a/./b") == "a/b");
  CHECK(safe_member_path("...") == "...");
  CHECK(safe_member_path("..a/b..") == "..a/b..");
  CHECK(safe_member_path("a\\..\\b") == "a\\..\\b");  // a backslash is an ordinary byte
  CHECK(safe_member_path(".") == "");
  CHECK(safe_member_path("./") == "");
  CHECK(safe_member_path(".//./") == "");
}

TEST_CASE("safe_member_path refuses absolute, dot-dot, NUL and empty names", "[archive]") {
  for (const std::string name :
       {"", "/etc/passwd", "//x", "/", "..", "../x", "./../x", "a/../../x", "a/..", "a/../b",
        "a/b/../../../x"}) {
    INFO(name);
    CHECK_FALSE(safe_member_path(name));
  }
  CHECK_FALSE(safe_member_path(std::string("a\0b", 3)));
  CHECK_FALSE(safe_member_path(std::string("\0", 1)));
}

TEST_CASE("pack_directory lists dirs and files sorted by relative path", "[archive]") {
  temp_dir tmp;
  make_sample_tree(tmp.path());
  std::size_t files = 0;
  const auto data = pack_directory(tmp.path(), files);
  CHECK(files == 7);
  const std::vector<std::string> expected = {
      "bin/", "bin/run.sh", "binary.bin", "empty.txt", "empty_dir/", "nested/", "nested/deep/",
      "nested/deep/er/", "nested/deep/er/leaf.txt", long_name, "private_dir/", "private_dir/sub/",
      odd_name, "top.txt"};
  CHECK(member_names(data) == expected);
}

TEST_CASE("pack_directory output is reproducible and equals the packer's chunks", "[archive]") {
  temp_dir tmp;
  make_sample_tree(tmp.path());
  std::size_t files = 0;
  const auto first = pack_directory(tmp.path(), files);
  CHECK(pack_directory(tmp.path(), files) == first);

  sbx::detail::directory_packer packer{tmp.path()};
  CHECK(packer.file_count() == 7);
  std::string joined;
  int chunks = 0;
  for (auto chunk = packer.next_chunk(); !chunk.empty(); chunk = packer.next_chunk(), ++chunks)
    joined += chunk;
  CHECK(packer.next_chunk().empty());
  CHECK(joined == first);
  CHECK(chunks >= 1);
}

TEST_CASE("a packed tree round-trips through unpack_archive", "[archive]") {
  temp_dir tmp;
  const auto src = tmp / "src";
  const auto dest = tmp / "out/dest";  // created by unpack_archive
  make_sample_tree(src);
  std::size_t files = 0;
  const auto data = pack_directory(src, files);

  CHECK(unpack_archive(data, dest) == files);
  CHECK(listing(dest) == listing(src));
  for (const auto& e : fs::recursive_directory_iterator(src)) {
    const auto rel = e.path().lexically_relative(src);
    INFO(rel.string());
    CHECK(mode_of(dest / rel) == mode_of(e.path()));
    if (e.is_regular_file()) CHECK(read_file(dest / rel) == read_file(e.path()));
  }
  CHECK(mode_of(dest / "bin/run.sh") == 0755);
  CHECK(mtime_of(dest / "top.txt") == 1'000'000'000);
  CHECK(mode_of(dest / "private_dir") == 0750);
  CHECK(read_file(dest / "binary.bin") == all_byte_values(3 * 65536 + 17));
  CHECK(fs::is_empty(dest / "empty_dir"));
  CHECK(fs::file_size(dest / "empty.txt") == 0);
}

TEST_CASE("an empty directory packs to an archive with no members", "[archive]") {
  temp_dir tmp;
  fs::create_directories(tmp / "src");
  std::size_t files = 1;
  const auto data = pack_directory(tmp / "src", files);
  CHECK(files == 0);
  CHECK(member_names(data).empty());
  CHECK(unpack_archive(data, tmp / "dest") == 0);
  CHECK(fs::is_directory(tmp / "dest"));
  CHECK(fs::is_empty(tmp / "dest"));
}

TEST_CASE("pack_directory skips symlinks and fifos without following them", "[archive]") {
  temp_dir tmp;
  const auto src = tmp / "src";
  write_file(src / "real.txt", "real");
  write_file(tmp / "outside/secret.txt", "secret");
  fs::create_symlink("real.txt", src / "link_to_file");
  fs::create_directory_symlink(tmp / "outside", src / "link_to_dir");
  fs::create_symlink("missing", src / "dangling");
  REQUIRE(::mkfifo((src / "pipe").c_str(), 0644) == 0);
  std::size_t files = 0;
  const auto data = pack_directory(src, files);
  CHECK(files == 1);
  CHECK(member_names(data) == std::vector<std::string>{"real.txt"});
}

TEST_CASE("pack_directory refuses a root that is not a directory", "[archive]") {
  temp_dir tmp;
  write_file(tmp / "file.txt", "x");
  std::size_t files = 0;
  CHECK_THROWS_AS(pack_directory(tmp / "file.txt", files), sbx::SandboxConfigurationError);
  CHECK_THROWS_AS(pack_directory(tmp / "missing", files), sbx::SandboxConfigurationError);
}

TEST_CASE("pack_directory reports an unreadable directory as WorkspaceError", "[archive]") {
  if (::geteuid() == 0) return;  // root reads any directory
  temp_dir tmp;
  fs::create_directories(tmp / "src/locked");
  REQUIRE(::chmod((tmp / "src/locked").c_str(), 0) == 0);
  std::size_t files = 0;
  const auto err = workspace_error([&] { pack_directory(tmp / "src", files); });
  REQUIRE(err);
  CHECK(err->op() == "upload_dir");
  CHECK(err->context().at("path") == (tmp / "src/locked").string());
}

TEST_CASE("unpack_archive accepts plain tar and skips root entries", "[archive]") {
  temp_dir tmp;
  const auto data = build_archive({{"./", AE_IFDIR, "", "", 0755},
                                   {"./a.txt", AE_IFREG, "A"},
                                   {"./d/", AE_IFDIR, "", "", 0700}},
                                  false);
  CHECK(unpack_archive(data, tmp.path()) == 1);
  CHECK(read_file(tmp / "a.txt") == "A");
  CHECK(mode_of(tmp / "d") == 0700);
}

TEST_CASE("unpack_archive drops setuid, setgid and sticky bits", "[archive]") {
  temp_dir tmp;
  const auto data =
      build_archive({{"s", AE_IFREG, "x", "", 06755}, {"d/", AE_IFDIR, "", "", 01777}});
  unpack_archive(data, tmp.path());
  CHECK(mode_of(tmp / "s") == 0755);
  CHECK(mode_of(tmp / "d") == 0777);
}

TEST_CASE("unpack_archive lets a later duplicate member win and counts it once", "[archive]") {
  temp_dir tmp;
  write_file(tmp / "a", "existing");
  const auto data = build_archive({{"a", AE_IFREG, "first"}, {"./a", AE_IFREG, "second"}});
  CHECK(unpack_archive(data, tmp.path()) == 1);
  CHECK(read_file(tmp / "a") == "second");
}

TEST_CASE("unpack_archive refuses hostile members and writes nothing", "[archive]") {
  temp_dir tmp;
  const auto dest = tmp / "dest";
  const auto absolute = (tmp / "abs.txt").string();
  const std::vector<member> cases = {
      {absolute, AE_IFREG, "abs"},
      {"../x", AE_IFREG, "x"},
      {"a/../../x", AE_IFREG, "x"},
      {"sub/../x", AE_IFREG, "x"},
      {"link", AE_IFLNK, "", "/etc"},
      {"rel_link", AE_IFLNK, "", "ok.txt"},
      {"hard", 0, "", "ok.txt"},
      {"null", AE_IFCHR},
      {"disk", AE_IFBLK},
      {"pipe", AE_IFIFO},
      {".", AE_IFREG, "x"},
      {"d/" + std::string(256, 'c'), AE_IFREG, "x"},
      {"ok.txt/inside", AE_IFREG, "x"},  // needs a directory where a file is
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& hostile = cases[i];
    // Named by index: the absolute name differs per run, which would make a new section.
    DYNAMIC_SECTION("case " << i << ": type " << hostile.type) {
      const auto data =
          build_archive({{"ok.txt", AE_IFREG, "fine"}, hostile, {"after.txt", AE_IFREG, "late"}});
      const auto names = member_names(data);
      REQUIRE(std::count(names.begin(), names.end(), hostile.name) == 1);
      fs::create_directories(dest);
      const auto err = workspace_error([&] { unpack_archive(data, dest); });
      REQUIRE(err);
      CHECK(err->op() == "extract");
      CHECK(err->context().at("member") == hostile.name);
      CHECK(fs::is_empty(dest));
      CHECK(listing(tmp.path()) == std::vector<std::string>{"dest"});
    }
  }
}

TEST_CASE("member_tree tracks files and directories and their clashes", "[archive]") {
  sbx::detail::member_tree tree;
  CHECK(tree.add("a/b/c.txt", false));
  CHECK(tree.add("a/b", true));
  CHECK(tree.add("a/b/c.txt", false));  // a duplicate file
  CHECK(tree.add("a/d", false));
  CHECK(tree.file_count() == 2);
  CHECK_FALSE(tree.add("a/b/c.txt", true));
  CHECK_FALSE(tree.add("a/d/e", false));
  CHECK_FALSE(tree.add("a", false));
  CHECK(tree.file_count() == 2);
}

TEST_CASE("unpack_archive refuses members that disagree on file or directory", "[archive]") {
  const std::vector<std::vector<member>> cases = {
      {{"a", AE_IFREG, "x"}, {"a/b", AE_IFREG, "y"}},
      {{"a/b", AE_IFREG, "y"}, {"a", AE_IFREG, "x"}},
      {{"a/", AE_IFDIR}, {"./a", AE_IFREG, "x"}},
      {{"a", AE_IFREG, "x"}, {"a/", AE_IFDIR}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    DYNAMIC_SECTION("case " << i) {
      temp_dir tmp;
      const auto data = build_archive(cases[i]);
      const auto err = workspace_error([&] { unpack_archive(data, tmp.path()); });
      REQUIRE(err);
      CHECK(err->context().at("member") == cases[i][1].name);
      CHECK(fs::is_empty(tmp.path()));
    }
  }
}

TEST_CASE("unpack_archive takes deep paths up to 4095 bytes and refuses longer", "[archive]") {
  temp_dir tmp;
  std::string deep;
  while (deep.size() + 4 <= 4095) deep += "abc/";
  deep += "f";
  REQUIRE(deep.size() <= 4095);
  // Written below dest component by component, although dest/deep exceeds PATH_MAX.
  CHECK(unpack_archive(build_archive({{deep, AE_IFREG, "deep"}}), tmp / "ok") == 1);

  const auto err = workspace_error(
      [&] { unpack_archive(build_archive({{deep + "ghij", AE_IFREG, "x"}}), tmp / "long"); });
  REQUIRE(err);
  CHECK_FALSE(fs::exists(tmp / "long"));
}

TEST_CASE("a refused archive does not create the destination", "[archive]") {
  temp_dir tmp;
  const auto data = build_archive({{"ok.txt", AE_IFREG, "fine"}, {"../x", AE_IFREG, "x"}});
  CHECK(workspace_error([&] { unpack_archive(data, tmp / "dest"); }));
  CHECK(fs::is_empty(tmp.path()));
}

TEST_CASE("unpack_archive never writes through symlinks already in the destination",
          "[archive]") {
  temp_dir tmp;
  const auto dest = tmp / "dest";
  write_file(tmp / "outside/target.txt", "original");
  fs::create_directories(dest);
  fs::create_directory_symlink(tmp / "outside", dest / "dir_link");
  fs::create_symlink(tmp / "outside/target.txt", dest / "file_link");

  SECTION("a symlink in a member's parents fails that member") {
    const auto data = build_archive({{"dir_link/evil.txt", AE_IFREG, "evil"}});
    const auto err = workspace_error([&] { unpack_archive(data, dest); });
    REQUIRE(err);
    CHECK(err->context().at("member") == "dir_link/evil.txt");
    CHECK(listing(tmp / "outside") == std::vector<std::string>{"target.txt"});
  }
  SECTION("a symlink where a directory member goes fails that member") {
    const auto data = build_archive({{"dir_link/", AE_IFDIR, "", "", 0777}});
    CHECK(workspace_error([&] { unpack_archive(data, dest); }));
    CHECK(mode_of(tmp / "outside") != 0777);
  }
  SECTION("a symlink where a file member goes is replaced, its target untouched") {
    const auto data = build_archive({{"file_link", AE_IFREG, "new"}});
    CHECK(unpack_archive(data, dest) == 1);
    CHECK_FALSE(fs::is_symlink(dest / "file_link"));
    CHECK(read_file(dest / "file_link") == "new");
  }
  CHECK(read_file(tmp / "outside/target.txt") == "original");
}

TEST_CASE("garbage and truncated input give WorkspaceError", "[archive]") {
  temp_dir tmp;
  const auto dest = tmp / "dest";
  for (const auto& garbage :
       {std::string{}, std::string("not an archive at all"), std::string(512, '\x01'),
        std::string("\x1f\x8b\x08\x00garbage", 11)}) {
    const auto err = workspace_error([&] { unpack_archive(garbage, dest); });
    REQUIRE(err);
    CHECK(err->op() == "extract");
  }

  make_sample_tree(tmp / "src");
  std::size_t files = 0;
  const auto gz = pack_directory(tmp / "src", files);
  const auto tar = build_archive({{"big.bin", AE_IFREG, all_byte_values(10000)}}, false);
  for (const auto& whole : {gz, tar}) {
    // Cuts inside member data; a cut inside tar's final zero blocks loses nothing.
    for (const std::size_t size : {std::size_t{10}, std::size_t{100}, whole.size() / 3,
                                   whole.size() / 2, whole.size() - 1100}) {
      INFO("truncated to " << size << " of " << whole.size());
      const auto cut = std::string_view(whole).substr(0, size);
      CHECK(workspace_error([&] { unpack_archive(cut, dest); }));
      CHECK_FALSE(fs::exists(dest));
    }
  }
}
