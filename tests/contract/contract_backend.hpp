// The backend under test: chosen by SBX_CONTRACT_BACKEND (default "local"), with the
// options and engine probes the contract cases need.
#pragma once

#include "sbx/sbx.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <vector>
#include <string>

namespace sbx_contract {

struct backend_under_test {
  std::string name;
  sbx::ClientOptions client;
  sbx::CreateOptions defaults;  // e.g. the test image for container backends
  // Number of sandboxes of this test process the engine currently holds (L2).
  std::function<std::size_t()> live_sandboxes;
  // Why the engine cannot be used on this machine; set only outside CI.
  std::optional<std::string> unavailable;
};

/// A cloud backend tested against its loopback fake (tests/fakes/<name>): the fake's
/// extra command-line arguments and the driver options that point the driver at it.
struct fake_backend {
  std::vector<std::string> fake_args;
  std::function<boost::json::object(const std::string& fake_url)> driver_options;
};

/// Registers `backend` under `name` (a static object in tests/contract/fake_<name>.cpp
/// calls this). The fake is started once per test process, on first use.
bool register_fake_backend(const std::string& name, fake_backend backend);

/// The backend selected for this run (computed once).
const backend_under_test& backend();

/// A Client for the backend on the current coroutine's executor.
sbx::awaitable<sbx::Client> connect();

/// create() with the backend's defaults overlaid by `options`' set fields.
sbx::awaitable<sbx::Sandbox> create(sbx::Client& client, sbx::CreateOptions options = {});

/// Skips the current test case (with its reason printed once) when the engine is
/// unavailable outside CI. Returns true when the test should be skipped.
bool skip_unavailable();

/// Deterministic pseudo-random bytes (all byte values occur).
std::string pattern_bytes(std::size_t size, unsigned seed = 1);

/// A script fragment counting live processes whose command line starts with
/// `sleep <seconds>` (the counting pipeline itself never matches).
std::string count_sleepers_script(int seconds);

/// A sleep duration unique to this process, so concurrent test runs do not collide.
int unique_sleep_seconds();

}  // namespace sbx_contract
