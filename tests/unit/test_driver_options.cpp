// Unknown ClientOptions::driver_options keys are refused by every backend (a misspelt
// key must not silently fall back to its default); the keys a backend reads are
// accepted. A backend left out of this build is skipped.
#include "sbx/sbx.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

// One driver option each backend reads, with a valid value (nothing is contacted:
// making a client only reads the options).
struct known_option {
  const char* backend;
  const char* key;
  boost::json::value value;
};

std::vector<known_option> known_options() {
  return {
      {"local", "root", "/tmp/sbx-driver-options-test"},
      {"bwrap", "root", "/tmp/sbx-driver-options-test"},
      {"safehouse", "assume_macos", false},
      {"docker", "default_image", "python:3.12-slim"},
      {"docker", "max_running", 4},
      {"ray", "address", "http://127.0.0.1:1"},
      {"e2b", "envd_url", "http://127.0.0.1:1"},
      {"e2b", "request_timeout_ms", 1000},
      {"daytona", "snapshot", "some-snapshot"},
      {"daytona", "create_burst", 2},
      {"tensorlake", "snapshot_wait", "completed"},
      {"tensorlake", "max_connections", 8},
      {"modal", "app_name", "sbx-test"},
  };
}

bool is_built(const std::string& backend) {
  const auto names = sbx::backend_names();
  return std::find(names.begin(), names.end(), backend) != names.end();
}

}  // namespace

TEST_CASE("driver options: an unknown key is refused by every backend, naming it and the valid keys",
          "[bad_input][driver_options]") {
  for (const char* backend : {"local", "bwrap", "safehouse", "docker", "ray", "e2b", "daytona", "tensorlake", "modal"}) {
    if (!is_built(backend)) continue;
    INFO("backend " << backend);
    sbx::ClientOptions options;
    options.driver_options = {{"api_kee", "sk-secret-value-31415"}};
    std::string message;
    std::optional<std::string> reported_backend;
    try {
      sbx::blocking::Client client(backend, options);
    } catch (const sbx::SandboxConfigurationError& e) {
      message = e.what();
      reported_backend = e.backend();
    }
    CHECK_THAT(message, Catch::Contains("unknown key 'api_kee'"));
    CHECK_THAT(message, Catch::Contains("valid keys: "));
    CHECK(message.find("sk-secret-value-31415") == std::string::npos);  // values may be secrets
    CHECK(reported_backend == std::string(backend));
  }
}

TEST_CASE("driver options: the keys a backend reads are accepted", "[driver_options]") {
  for (const auto& option : known_options()) {
    if (!is_built(option.backend)) continue;
    INFO("backend " << option.backend << ", key " << option.key);
    sbx::ClientOptions options;
    options.driver_options[option.key] = option.value;
    CHECK_NOTHROW(sbx::blocking::Client(option.backend, options));
  }
}

TEST_CASE("driver options: the valid keys listed include the shared cloud knobs", "[driver_options]") {
  if (!is_built("e2b")) return;
  sbx::ClientOptions options;
  options.driver_options = {{"max_runing", 3}};
  try {
    sbx::blocking::Client client("e2b", options);
    FAIL("a misspelt knob was accepted");
  } catch (const sbx::SandboxConfigurationError& e) {
    CHECK_THAT(e.what(), Catch::Contains("unknown key 'max_runing'"));
    CHECK_THAT(e.what(), Catch::Contains("max_running"));
    CHECK_THAT(e.what(), Catch::Contains("api_key"));
  }
}
