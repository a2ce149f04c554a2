// Sandbox path rules and shell quoting.
#include "paths.hpp"
#include "materialize.hpp"

#include <catch2/catch.hpp>

using namespace sbx::detail;

TEST_CASE("relative paths resolve against the workdir and normalise", "[paths]") {
  CHECK(resolve_sandbox_path("/work", "a/b.txt") == "/work/a/b.txt");
  CHECK(resolve_sandbox_path("/work", "") == "/work");
  CHECK(resolve_sandbox_path("/work", ".") == "/work");
  CHECK(resolve_sandbox_path("/work", "./a//b/") == "/work/a/b");
  CHECK(resolve_sandbox_path("/work", "a/../b") == "/work/b");
  CHECK(resolve_sandbox_path("/work", "../../..") == "/");
  CHECK(resolve_sandbox_path("/work", "/etc/x") == "/etc/x");
  CHECK(resolve_sandbox_path("/work", "/") == "/");
}

TEST_CASE("shell_quote makes one literal word", "[paths]") {
  CHECK(shell_quote("plain") == "'plain'");
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_join({"echo", "a b", "$HOME"}) == "'echo' 'a b' '$HOME'");
}

TEST_CASE("parent_path of absolute paths", "[paths]") {
  CHECK(parent_path("/a/b") == "/a");
  CHECK(parent_path("/a") == "/");
}

TEST_CASE("redact_url hides credentials in repository URLs", "[paths]") {
  CHECK(redact_url("https://user:token@github.com/a/b.git") == "https://***@github.com/a/b.git");
  CHECK(redact_url("https://github.com/a/b.git") == "https://github.com/a/b.git");
  CHECK(redact_url("https://github.com/a@b") == "https://github.com/a@b");
}
