// libFuzzer target: SessionState::from_json on arbitrary bytes. Any exception other than
// SandboxConfigurationError, or a parsed state that does not come back the same through
// to_json() and from_json(), is a crash.
#include "sbx/errors.hpp"
#include "sbx/types.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  sbx::SessionState state;
  try {
    state = sbx::SessionState::from_json(input);
  } catch (const sbx::SandboxConfigurationError&) {
    return 0;
  }
  const auto again = sbx::SessionState::from_json(state.to_json());
  if (again.backend != state.backend || again.data != state.data) __builtin_trap();
  return 0;
}
