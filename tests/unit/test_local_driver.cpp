// drivers/local: the `local` backend against the host.
#include "drivers/local/local_driver.hpp"

#include "owner_labels.hpp"
#include "process/process_group.hpp"
#include "sbx/blocking.hpp"
#include "sbx/errors.hpp"
#include "support/process_groups.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include <sys/stat.h>

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using sbx::drivers::local::local_driver;

// A driver whose sandboxes live in a fresh directory, removed afterwards.
struct local_fixture {
  local_fixture()
      : root(fs::temp_directory_path() / ("sbx-local-test-" + sbx::detail::random_hex(8))),
        driver(context.get_executor(), {.driver_options = {{"root", root.string()}}}) {}
  ~local_fixture() { fs::remove_all(root); }

  template <class T>
  T run(asio::awaitable<T> operation) {
    return sbx::blocking::run(context, std::move(operation));
  }

  std::unique_ptr<sbx::SandboxSession> create(sbx::ResolvedOptions options = {}) {
    if (options.labels.empty()) options.labels = sbx::detail::owner_labels(600s);
    return run(driver.create(options));
  }

  // Runs argv in the sandbox's workdir and returns stdout (stderr is appended to `err`).
  std::pair<sbx::ExecStatus, std::string> exec(sbx::SandboxSession& sandbox, std::vector<std::string> argv,
                                               sbx::env_map env = {},
                                               std::optional<std::chrono::milliseconds> timeout = {}) {
    std::string out;
    const auto status = run(sandbox.exec({
        .argv = std::move(argv),
        .env = std::move(env),
        .cwd = sandbox.workdir(),
        .timeout = timeout,
        .on_output = [&](sbx::output_stream stream, std::string_view chunk) {
          (stream == sbx::output_stream::std_out ? out : err).append(chunk);
        },
    }));
    return {status, out};
  }

  asio::io_context context;
  fs::path root;
  local_driver driver;
  std::string err;
};

std::vector<std::string> sorted_paths(const std::vector<sbx::FileInfo>& entries) {
  std::vector<std::string> paths;
  for (const auto& entry : entries) paths.push_back(entry.path);
  std::sort(paths.begin(), paths.end());
  return paths;
}

// The sandbox pieces under a driver's root: everything but its spare pool.
std::vector<std::string> sandbox_pieces(const fs::path& root) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.path().filename().string().starts_with(".spare-")) names.push_back(entry.path().filename());
  }
  return names;
}

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_ino;
}

// Runs the context until `path` disappears or `limit` passes.
asio::awaitable<bool> disappears(const fs::path& path, std::chrono::seconds limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (auto waited = 0ms; waited < limit; waited += 100ms) {
    if (!fs::exists(path)) co_return true;
    timer.expires_after(100ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return !fs::exists(path);
}

}  // namespace

TEST_CASE("local backend_info describes the backend", "[local]") {
  const auto info = sbx::drivers::local::backend_info();
  CHECK(info.name == "local");
  CHECK_FALSE(info.capabilities.isolated);
  CHECK_FALSE(info.capabilities.network_control);
  CHECK(info.capabilities.resume);
  CHECK(info.capabilities.sweep);
  CHECK(info.capabilities.lifetime_backstop);
  CHECK(info.capabilities.separate_stderr);
  CHECK(info.capabilities.streaming);
  CHECK(info.factory);
}

TEST_CASE("local sandbox: create, exec, destroy", "[local]") {
  local_fixture f;
  auto sandbox = f.create({.env_vars = {{"GREETING", "it's \"quoted\"\nand spaced"}, {"HOME", "/ignored"}}});
  const fs::path workdir = sandbox->workdir();
  const fs::path tmp = f.root / sandbox->id() / "tmp";
  const fs::path record = f.root / sandbox->id() / "owner.json";
  CHECK(workdir.is_absolute());
  CHECK(fs::is_directory(workdir));
  CHECK(workdir == f.root / sandbox->id() / "work");
  CHECK(fs::status(f.root / sandbox->id()).permissions() == fs::perms::owner_all);
  CHECK(fs::is_directory(tmp));
  CHECK(fs::is_regular_file(record));

  SECTION("commands run in the workdir with the sandbox environment") {
    const auto [status, out] =
        f.exec(*sandbox, {"/bin/sh", "-c", "pwd; echo \"$HOME|$SANDBOX_ROOT|$TMPDIR\"; printf '%s' \"$GREETING\""});
    CHECK(status.exit_code == 0);
    CHECK(out == workdir.string() + "\n" + workdir.string() + "|" + workdir.string() + "|" + tmp.string() +
                     "\nit's \"quoted\"\nand spaced");
    CHECK(sandbox->scratch_dir() == tmp.string());
  }
  SECTION("per-exec env overrides the sandbox env") {
    const auto [status, out] = f.exec(*sandbox, {"/bin/sh", "-c", "printf '%s' \"$GREETING\""}, {{"GREETING", "hi"}});
    CHECK(out == "hi");
  }
  SECTION("exit codes and stderr are results") {
    const auto [status, out] = f.exec(*sandbox, {"/bin/sh", "-c", "echo oops >&2; exit 3"});
    CHECK(status.exit_code == 3);
    CHECK(f.err == "oops\n");
  }
  SECTION("a missing program is exit 127") {
    CHECK(f.exec(*sandbox, {"sbx-no-such-program"}).first.exit_code == 127);
  }
  SECTION("a timeout kills the command and reports 124") {
    const auto start = std::chrono::steady_clock::now();
    const auto [status, out] = f.exec(*sandbox, {"/bin/sh", "-c", "echo early; sleep 30 & sleep 30"}, {}, 1s);
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    CHECK(status.timed_out);
    CHECK(status.exit_code == 124);
    CHECK(out == "early\n");
  }

  f.run(sandbox->destroy());
  CHECK(sandbox->destroyed());
  CHECK(sandbox_pieces(f.root).empty());
  CHECK_NOTHROW(f.run(sandbox->destroy()));
  CHECK_THROWS_AS(f.exec(*sandbox, {"true"}), sbx::SandboxNotFoundError);
  CHECK_THROWS_AS(f.run(sandbox->read_file(workdir / "x")), sbx::SandboxNotFoundError);
}

TEST_CASE("local sandbox: destroy kills background processes", "[local]") {
  local_fixture f;
  auto sandbox = f.create();
  const auto [status, out] = f.exec(*sandbox, {"/bin/sh", "-c", "echo $$; sleep 30 &"});
  CHECK(status.exit_code == 0);
  const pid_t pgid = std::stoi(out);
  CHECK(sbx::process::process_group_exists(pgid));
  f.run(sandbox->destroy());
  CHECK(sbx_test::group_gone(pgid));
}

TEST_CASE("local sandbox: allow_internet=false is refused", "[local]") {
  local_fixture f;
  try {
    f.create({.allow_internet = false});
    FAIL("create succeeded");
  } catch (const sbx::FeatureNotSupportedError& e) {
    CHECK(e.backend() == "local");
    CHECK(e.op() == "create");
  }
  CHECK((!fs::exists(f.root) || fs::is_empty(f.root)));
}

TEST_CASE("local sandbox: files", "[local]") {
  local_fixture f;
  auto sandbox = f.create();
  const std::string workdir = sandbox->workdir();

  SECTION("the workdir starts empty: the owner record and tmp/ are not in it") {
    CHECK(f.run(sandbox->list_files(workdir)).empty());
  }
  SECTION("all byte values round-trip, parents are created") {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
    f.run(sandbox->write_file(workdir + "/deep/er/bytes.bin", bytes));
    CHECK(f.run(sandbox->read_file(workdir + "/deep/er/bytes.bin")) == bytes);
    f.run(sandbox->write_file(workdir + "/deep/er/bytes.bin", "short"));
    CHECK(f.run(sandbox->read_file(workdir + "/deep/er/bytes.bin")) == "short");
  }
  SECTION("list_files returns full paths, is_dir and sizes") {
    f.run(sandbox->write_file(workdir + "/a file.txt", "12345"));
    f.run(sandbox->write_file(workdir + "/empty", ""));
    f.run(sandbox->write_file(workdir + "/sub/x", "x"));
    const auto entries = f.run(sandbox->list_files(workdir));
    CHECK(sorted_paths(entries) ==
          std::vector<std::string>{workdir + "/a file.txt", workdir + "/empty", workdir + "/sub"});
    for (const auto& entry : entries) {
      if (entry.path.ends_with("/sub")) {
        CHECK(entry.is_dir);
        CHECK_FALSE(entry.size);
      } else {
        CHECK_FALSE(entry.is_dir);
        CHECK(entry.size == (entry.path.ends_with(".txt") ? 5u : 0u));
      }
    }
  }
  SECTION("files written by commands are visible to the file API and vice versa") {
    f.exec(*sandbox, {"/bin/sh", "-c", "printf made > by_command"});
    CHECK(f.run(sandbox->read_file(workdir + "/by_command")) == "made");
    f.run(sandbox->write_file(workdir + "/by_api", "api"));
    CHECK(f.exec(*sandbox, {"cat", "by_api"}).second == "api");
  }
  SECTION("errors: missing paths are not_found, wrong kinds are execution errors") {
    f.run(sandbox->write_file(workdir + "/file", "x"));
    CHECK_THROWS_AS(f.run(sandbox->read_file(workdir + "/missing")), sbx::SandboxNotFoundError);
    CHECK_THROWS_AS(f.run(sandbox->list_files(workdir + "/missing")), sbx::SandboxNotFoundError);
    CHECK_THROWS_AS(f.run(sandbox->list_files(workdir + "/file")), sbx::SandboxExecutionError);
    CHECK_THROWS_AS(f.run(sandbox->read_file(workdir)), sbx::SandboxExecutionError);
    try {
      f.run(sandbox->read_file(workdir + "/missing"));
    } catch (const sbx::SandboxError& e) {
      CHECK(e.code() == sbx::errc::not_found);
      CHECK(e.backend() == "local");
      CHECK(e.op() == "read_file");
    }
  }
  SECTION("upload_file and download_file keep mode bits and create parents") {
    const fs::path local = f.root / "host" / "tool.sh";
    fs::create_directories(local.parent_path());
    std::ofstream(local) << "#!/bin/sh\necho tool\n";
    fs::permissions(local, fs::perms::owner_all | fs::perms::group_read);
    f.run(sandbox->upload_file(local, workdir + "/bin/tool.sh"));
    CHECK(fs::status(workdir + "/bin/tool.sh").permissions() == (fs::perms::owner_all | fs::perms::group_read));
    CHECK(f.exec(*sandbox, {"./bin/tool.sh"}).second == "tool\n");

    const fs::path back = f.root / "out" / "nested" / "tool.sh";
    f.run(sandbox->download_file(workdir + "/bin/tool.sh", back));
    CHECK(fs::status(back).permissions() == (fs::perms::owner_all | fs::perms::group_read));
    CHECK_THROWS_AS(f.run(sandbox->download_file(workdir + "/missing", back)), sbx::SandboxNotFoundError);
    CHECK_THROWS_AS(f.run(sandbox->upload_file(f.root / "missing", workdir + "/m")), sbx::SandboxNotFoundError);
  }
  f.run(sandbox->destroy());
}

TEST_CASE("local sandbox: a caller's workdir is used and kept", "[local]") {
  local_fixture f;
  const fs::path mine = f.root / "mine" / "project";
  auto sandbox = f.create({.workdir = mine.string()});
  CHECK(sandbox->workdir() == mine.string());
  CHECK(fs::is_directory(mine));
  f.run(sandbox->write_file(mine.string() + "/kept.txt", "kept"));
  CHECK(f.exec(*sandbox, {"pwd"}).second == mine.string() + "\n");
  CHECK(fs::is_empty(f.root / sandbox->id() / "work"));
  f.run(sandbox->destroy());
  CHECK_FALSE(fs::exists(f.root / sandbox->id()));
  CHECK(fs::exists(mine / "kept.txt"));
}

TEST_CASE("local sandbox: session_data and resume", "[local]") {
  local_fixture f;
  auto sandbox = f.create({.env_vars = {{"COLOR", "blue"}}});
  f.run(sandbox->write_file(sandbox->workdir() + "/state.txt", "saved"));
  const auto data = sandbox->session_data();
  CHECK(data.at("env_vars").as_object().at("COLOR") == "blue");
  CHECK(data.at("owns_workdir").as_bool());
  CHECK(data.at("deadline").is_string());

  local_fixture other;
  auto resumed = other.run(other.driver.resume(data));
  CHECK(resumed->workdir() == sandbox->workdir());
  CHECK(resumed->id() == sandbox->id());
  CHECK(other.run(resumed->read_file(resumed->workdir() + "/state.txt")) == "saved");
  CHECK(other.exec(*resumed, {"/bin/sh", "-c", "printf %s \"$COLOR\""}).second == "blue");

  other.run(resumed->destroy());
  CHECK_THROWS_AS(f.run(f.driver.resume(data)), sbx::SandboxNotFoundError);
  CHECK_THROWS_AS(f.run(f.driver.resume({{"workdir", "/x"}})), sbx::SandboxConfigurationError);
}

TEST_CASE("local sweep removes orphans only", "[local]") {
  local_fixture f;
  // A pid that surely belongs to no process: a child that has exited and been reaped.
  const auto [status, out] = f.exec(*f.create(), {"/bin/sh", "-c", "echo $$"});
  auto dead_owner = sbx::detail::owner_labels(600s);
  dead_owner[sbx::detail::label_pid] = std::to_string(std::stoi(out));
  auto expired = sbx::detail::owner_labels(600s);
  expired[sbx::detail::label_expires_at] = sbx::detail::format_utc(std::chrono::system_clock::now() - 1h);

  auto orphan = f.create({.labels = dead_owner});
  auto stale = f.create({.labels = expired});
  auto live = f.create();
  const auto report = f.run(f.driver.sweep());
  auto removed = report.removed;
  std::sort(removed.begin(), removed.end());
  auto expected = std::vector<std::string>{orphan->id(), stale->id()};
  std::sort(expected.begin(), expected.end());
  CHECK(removed == expected);
  CHECK(report.kept == 2);  // `live` and the sandbox that ran `echo $$`
  CHECK(fs::exists(live->workdir()));
  CHECK_FALSE(fs::exists(orphan->workdir()));
}

TEST_CASE("local sweep unlinks a symlink put in place of an orphan and leaves what it points to", "[local]") {
  local_fixture f;
  const auto [status, out] = f.exec(*f.create(), {"/bin/sh", "-c", "echo $$"});
  auto dead_owner = sbx::detail::owner_labels(600s);
  dead_owner[sbx::detail::label_pid] = std::to_string(std::stoi(out));
  auto orphan = f.create({.labels = dead_owner});
  f.run(orphan->write_file(orphan->workdir() + "/keep.txt", "keep"));

  const fs::path moved = fs::temp_directory_path() / ("sbx-local-moved-" + sbx::detail::random_hex(8));
  fs::rename(f.root / orphan->id(), moved);
  fs::create_directory_symlink(moved, f.root / orphan->id());
  { std::ofstream(f.root / "stray-file") << "not a sandbox"; }
  fs::create_directories(f.root / "stray-dir");

  const auto report = f.run(f.driver.sweep());
  CHECK(report.removed == std::vector<std::string>{orphan->id()});
  CHECK_FALSE(fs::exists(fs::symlink_status(f.root / orphan->id())));
  CHECK(fs::exists(moved / "work" / "keep.txt"));
  CHECK(fs::exists(moved / "owner.json"));
  CHECK(fs::exists(f.root / "stray-file"));
  CHECK(fs::exists(f.root / "stray-dir"));
  fs::remove_all(moved);
}

TEST_CASE("local sandbox: the lifetime ends it without destroy", "[local]") {
  local_fixture f;
  auto sandbox = f.create({.timeout_secs = 1});
  const fs::path record = f.root / sandbox->id() / "owner.json";
  const auto [status, out] = f.exec(*sandbox, {"/bin/sh", "-c", "echo $$; sleep 30 &"});
  const pid_t pgid = std::stoi(out);
  CHECK(f.run(disappears(record, 10s)));
  CHECK(sandbox_pieces(f.root).empty());
  CHECK(sandbox->destroyed());
  CHECK(sbx_test::group_gone(pgid));
  CHECK_THROWS_AS(f.exec(*sandbox, {"true"}), sbx::SandboxNotFoundError);
}

TEST_CASE("local sandbox: a destroyed sandbox's directories come back empty for the next one", "[local]") {
  local_fixture f;
  auto first = f.create();
  const fs::path workdir = first->workdir();
  const auto recycled = {inode_of(f.root / first->id()), inode_of(workdir), inode_of(first->scratch_dir())};
  const auto [status, out] = f.exec(*first, {"/bin/sh", "-c",
                                             "mkdir -p locked/deep && echo x > locked/deep/f && chmod 500 locked && "
                                             "echo t > \"$TMPDIR/t\" && ln -s /etc link && chmod 755 ."});
  REQUIRE(status.exit_code == 0);
  f.run(first->destroy());
  CHECK(sandbox_pieces(f.root).empty());

  auto second = f.create({.labels = {{"generation", "second"}}});
  CHECK(second->id() != first->id());
  const fs::path dir = f.root / second->id();
  CHECK(fs::is_empty(second->workdir()));
  CHECK(fs::is_empty(second->scratch_dir()));
  CHECK(fs::status(dir).permissions() == fs::perms::owner_all);
  CHECK(fs::status(second->workdir()).permissions() == fs::perms::owner_all);
  CHECK(std::vector<ino_t>(recycled) ==
        std::vector<ino_t>{inode_of(dir), inode_of(second->workdir()), inode_of(second->scratch_dir())});
  std::ifstream record(dir / "owner.json");
  const std::string text((std::istreambuf_iterator<char>(record)), std::istreambuf_iterator<char>());
  CHECK(text.find("\"generation\":\"second\"") != std::string::npos);
  CHECK(text.back() == '}');  // cut to the new record's length
  CHECK(fs::exists("/etc/passwd"));
  f.run(second->destroy());
}

TEST_CASE("local sandbox: a symlink put where the workdir was is removed, not followed", "[local]") {
  local_fixture f;
  const fs::path outside = f.root / "outside";
  fs::create_directories(outside);
  fs::permissions(outside, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  { std::ofstream(outside / "keep") << "keep"; }
  auto sandbox = f.create();
  fs::remove_all(sandbox->workdir());
  fs::create_directory_symlink(outside, sandbox->workdir());
  f.run(sandbox->destroy());
  CHECK_FALSE(fs::exists(fs::symlink_status(sandbox->workdir())));
  CHECK(fs::exists(outside / "keep"));
  CHECK(fs::status(outside).permissions() == (fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec));
}

TEST_CASE("local driver: spares outlive the driver for the next one; a sweep removes them", "[local]") {
  const fs::path root = fs::temp_directory_path() / ("sbx-local-test-" + sbx::detail::random_hex(8));
  asio::io_context context;
  const auto make_driver = [&] {
    return std::make_unique<local_driver>(context.get_executor(),
                                          sbx::ClientOptions{.driver_options = {{"root", root.string()}}});
  };
  const auto create = [&](local_driver& driver) {
    return sbx::blocking::run(context, driver.create({.labels = sbx::detail::owner_labels(600s)}));
  };
  ino_t recycled = 0;
  {
    auto driver = make_driver();
    auto sandbox = create(*driver);
    recycled = inode_of(sandbox->workdir());
    sbx::blocking::run(context, sandbox->destroy());
  }
  CHECK(sandbox_pieces(root).empty());
  CHECK_FALSE(fs::is_empty(root));  // the spares stay

  // Spares that are someone else's business are not adopted: not in a spare's shape,
  // a spare with a file left in its workdir, or a symlink.
  const fs::path planted = root / ".spare-planted";
  fs::create_directories(planted / "secret");
  const fs::path dirty = root / ".spare-dirty";
  fs::create_directories(dirty / "work");
  fs::create_directories(dirty / "tmp");
  { std::ofstream(dirty / "owner.json") << "{}"; }
  { std::ofstream(dirty / "work" / "leak") << "leak"; }
  fs::create_directory_symlink("/etc", root / ".spare-link");

  auto driver = make_driver();
  std::vector<std::unique_ptr<sbx::SandboxSession>> sandboxes;
  std::set<ino_t> directories;
  for (int i = 0; i < 4; ++i) {
    sandboxes.push_back(create(*driver));
    CHECK(fs::is_empty(sandboxes.back()->workdir()));
    directories.insert(inode_of(sandboxes.back()->workdir()));
  }
  CHECK(directories.contains(recycled));
  CHECK_FALSE(fs::exists(planted));  // ours but unfit: removed when tried
  CHECK_FALSE(fs::exists(dirty));
  CHECK(fs::exists("/etc/passwd"));
  for (auto& sandbox : sandboxes) sbx::blocking::run(context, sandbox->destroy());

  sbx::blocking::run(context, driver->sweep());
  CHECK(fs::is_empty(root));
  fs::remove_all(root);
}
