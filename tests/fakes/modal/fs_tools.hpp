// The fake's stand-in for Modal's in-sandbox file helper
// (/__modal/.bin/modal-sandbox-fs-tools): the same JSON argument, stdout and stderr,
// carried out directly on the sandbox's private directories.
#pragma once

#include "fakes/common/sandbox_paths.hpp"

#include <string>

namespace sbx_fake::modal {

/// What a helper run printed and how it exited.
struct helper_result {
  std::string out;
  std::string err;  // {"error_kind", "message", "detail"} on failure
  int exit_code = 0;
};

/// True when `request_json` is a WriteFile (which needs stdin first).
bool wants_input(const std::string& request_json);

/// Runs one operation: ReadFile, WriteFile (content = `input`), ListFiles, Stat,
/// MakeDirectory, Remove. A malformed request exits 2.
helper_result run_fs_tools(const sandbox_paths& paths, const std::string& request_json, const std::string& input);

}  // namespace sbx_fake::modal
