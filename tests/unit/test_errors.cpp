// The error taxonomy: codes, retryability, what() format (the original's rules).
#include "sbx/errors.hpp"

#include <catch2/catch.hpp>

using namespace sbx;

TEST_CASE("a plain message has no suffix and the unknown code", "[errors]") {
  const SandboxError e("boom");
  CHECK(std::string(e.what()) == "boom");
  CHECK(e.code() == errc::unknown);
  CHECK_FALSE(e.retryable());
  CHECK(e.context().empty());
  CHECK_FALSE(e.backend());
  CHECK_FALSE(e.op());
  CHECK(std::string(SandboxCreationError("bare").what()) == "bare");
}

TEST_CASE("an enriched what() lists code, backend, op and context", "[errors]") {
  const SandboxCreationError e("failed", {.backend = "daytona", .op = "create", .context = {{"exit_code", "1"}}});
  CHECK(std::string(e.what()) == "failed [code=creation_failed; backend=daytona; op=create; exit_code=1]");
}

TEST_CASE("retryable appears only when true, and per-instance overrides win", "[errors]") {
  CHECK(std::string(SandboxTimeoutError("t", {.op = "exec"}).what()) == "t [code=timeout, retryable; op=exec]");
  CHECK(std::string(SandboxCreationError("c", {.op = "create"}).what()) == "c [code=creation_failed; op=create]");
  const SandboxCreationError overridden("c", {.retryable = true});
  CHECK(overridden.retryable());
  CHECK_FALSE(SandboxConnectionError("x", {.retryable = false}).retryable());
}

TEST_CASE("every class has its code and default retryability", "[errors]") {
  CHECK(BackendNotInstalledError("x").code() == errc::backend_not_installed);
  CHECK(SandboxConfigurationError("x").code() == errc::configuration);
  CHECK(SandboxCreationError("x").code() == errc::creation_failed);
  CHECK(SandboxExecutionError("x").code() == errc::execution_failed);
  CHECK(SandboxTimeoutError("x").retryable());
  CHECK(SandboxConnectionError("x").retryable());
  CHECK(SandboxNotFoundError("x").code() == errc::not_found);
  CHECK(FeatureNotSupportedError("x").code() == errc::feature_not_supported);
  CHECK(WorkspaceError("x").code() == errc::workspace);
  CHECK(BudgetExceededError("x").code() == errc::budget_exceeded);
}

TEST_CASE("CommandFailedError is an execution error carrying the command's outcome", "[errors]") {
  const CommandFailedError e("failed", 3, "out", "err");
  const SandboxExecutionError& as_execution = e;
  CHECK(as_execution.code() == errc::command_failed);
  CHECK(e.exit_code() == 3);
  CHECK(e.std_out() == "out");
  CHECK(e.std_err() == "err");
  CHECK(e.context().at("exit_code") == "3");
}

TEST_CASE("errors convert to std::error_code in the sbx category", "[errors]") {
  const std::error_code ec = errc::not_found;
  CHECK(ec.category().name() == std::string("sbx"));
  CHECK(ec.message() == "not_found");
  CHECK(SandboxNotFoundError("x").error_code() == ec);
}

TEST_CASE("throw_error raises the class that belongs to the code", "[errors]") {
  CHECK_THROWS_AS(throw_error(errc::not_found, "gone"), SandboxNotFoundError);
  CHECK_THROWS_AS(throw_error(errc::timeout, "slow"), SandboxTimeoutError);
  CHECK_THROWS_AS(throw_error(errc::unknown, "?"), SandboxError);
}
