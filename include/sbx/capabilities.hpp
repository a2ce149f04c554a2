// What a backend can do: used for validation, the scheduler and `sbx backends`.
#pragma once

#include <string>
#include <vector>

namespace sbx {

/// Static facts about a driver. Every flag that is false makes the matching option
/// or operation fail with FeatureNotSupportedError (allow_internet=false, snapshot,
/// ports) or be ignored with a debug log (cpu/memory limits), as documented per flag.
struct Capabilities {
  bool isolated = false;           // commands cannot touch the host filesystem
  bool network_control = false;    // allow_internet=false is enforced
  bool cpu_limit = false;          // cpu is applied
  bool memory_limit = false;       // memory_mb is applied
  bool disk_limit = false;         // disk_mb is applied
  bool gpu = false;                // gpu requests can be satisfied
  bool images = false;             // `image` selects what the sandbox starts from
  bool templates = false;          // `template_name` selects a provider template
  bool snapshots = false;          // snapshot() and snapshot_id
  bool resume = false;             // session_state() / Client::resume
  bool separate_stderr = true;     // stdout and stderr arrive separately
  bool streaming = true;           // exec_stream delivers chunks as they arrive
  bool lifetime_backstop = false;  // provider ends the sandbox after timeout_secs itself
  bool sweep = false;              // Client::sweep can find orphans of dead processes
  bool ports = false;              // a sandbox port can be exposed
  bool remote = false;             // runs off this machine (cloud or cluster)
  std::vector<std::string> regions;
};

}  // namespace sbx
