#include "contract_backend.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <unistd.h>

namespace sbx_contract {
namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

backend_under_test make_backend() {
  backend_under_test b;
  b.name = env_or("SBX_CONTRACT_BACKEND", "local");
  b.client.exec_timeout = std::chrono::minutes(2);
  if (b.name == "docker") b.defaults.image = env_or("SBX_TEST_DOCKER_IMAGE", "sbx-test/python:1");
  return b;
}

void overlay(sbx::CreateOptions& base, sbx::CreateOptions& options) {
#define SBX_OVERLAY(field) \
  if (options.field) base.field = std::move(options.field);
  SBX_OVERLAY(preset) SBX_OVERLAY(cpu) SBX_OVERLAY(memory_mb) SBX_OVERLAY(disk_mb)
  SBX_OVERLAY(timeout_secs) SBX_OVERLAY(image) SBX_OVERLAY(template_name)
  SBX_OVERLAY(allow_internet) SBX_OVERLAY(app_name) SBX_OVERLAY(snapshot_id)
  SBX_OVERLAY(workdir) SBX_OVERLAY(git_repo) SBX_OVERLAY(git_ref) SBX_OVERLAY(gpu)
#undef SBX_OVERLAY
  for (auto& [k, v] : options.env_vars) base.env_vars[k] = v;
  for (auto& [k, v] : options.labels) base.labels[k] = v;
  if (!options.backend_options.empty()) base.backend_options = std::move(options.backend_options);
  base.files = std::move(options.files);
  base.workspace = std::move(options.workspace);
}

}  // namespace

const backend_under_test& backend() {
  static const backend_under_test b = make_backend();
  return b;
}

sbx::awaitable<sbx::Client> connect() { co_return co_await sbx::Client::connect(backend().name, backend().client); }

sbx::awaitable<sbx::Sandbox> create(sbx::Client& client, sbx::CreateOptions options) {
  auto merged = backend().defaults;
  overlay(merged, options);
  co_return co_await client.create(std::move(merged));
}

bool skip_unavailable() {
  if (!backend().unavailable) return false;
  static bool printed = false;
  if (!printed) std::cerr << "skipping " << backend().name << ": " << *backend().unavailable << "\n";
  printed = true;
  return true;
}

std::string pattern_bytes(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<char>(i < 256 ? i : (x & 0xff));
  }
  return out;
}

std::string count_sleepers_script(int seconds) {
  const auto n = std::to_string(seconds);
  // "sleep 306[1]" as a pattern never matches the grep's own command line.
  const auto pattern = "^sleep " + n.substr(0, n.size() - 1) + "[" + n.back() + "]";
  return "for f in /proc/[0-9]*/cmdline; do tr '\\000' ' ' < \"$f\" 2>/dev/null; echo; done | grep -c '" +
         pattern + "' || true";
}

int unique_sleep_seconds() {
  static const int seconds = 3000 + static_cast<int>(::getpid() % 997);
  return seconds;
}

}  // namespace sbx_contract
