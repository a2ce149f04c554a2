// libFuzzer target: the Docker Engine API answer parsers (drivers/docker/responses.hpp)
// on arbitrary bytes, and the same bytes as an X-Docker-Container-Path-Stat header. Any
// exception other than SandboxExecutionError (decode_path_stat: any exception at all),
// or a result that breaks a parser's promise, is a crash.
#include "drivers/docker/responses.hpp"
#include "sbx/errors.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace docker = sbx::drivers::docker;

const std::string op = "fuzz";

/// Calls `parse` and ignores the documented malformed-answer error.
template <class Parse>
void tolerate_malformed(Parse parse) {
  try {
    parse();
  } catch (const sbx::SandboxExecutionError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  tolerate_malformed([&] {
    if (docker::parse_id(body, op).empty()) __builtin_trap();
  });
  tolerate_malformed([&] { (void)docker::parse_exec_inspect(body, op); });
  tolerate_malformed([&] { (void)docker::parse_image_inspect(body, op); });
  tolerate_malformed([&] { (void)docker::parse_container_inspect(body, op); });
  tolerate_malformed([&] { (void)docker::parse_container_list(body, op); });
  if (const auto stat = docker::decode_path_stat(body)) {
    if ((stat->mode & docker::go_mode_dir) && !stat->is_dir) __builtin_trap();
    if (bool(stat->mode & docker::go_mode_symlink) != stat->is_symlink) __builtin_trap();
  }
  return 0;
}
