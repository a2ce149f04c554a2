// Where the tests find the fake programs: sbx-fake-<provider> in SBX_FAKE_BINARY_DIR (a
// compile definition of the test targets), or the path in $SBX_FAKE_<PROVIDER>.
#pragma once

#include <cctype>
#include <cstdlib>
#include <string>

namespace sbx_fake {

/// The path of the fake program for `provider` ("e2b", "daytona", ...).
inline std::string fake_program(const std::string& provider) {
  std::string variable = "SBX_FAKE_";
  for (const char c : provider) variable += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (const char* path = std::getenv(variable.c_str()); path && *path) return path;
  return std::string(SBX_FAKE_BINARY_DIR) + "/sbx-fake-" + provider;
}

}  // namespace sbx_fake
