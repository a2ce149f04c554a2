// The body of POST /api/jobs/ that starts one sandbox (pure).
#pragma once

#include "sbx/options.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace sbx::drivers::ray {

/// What a sandbox job needs besides the user's options.
struct job_spec {
  std::string submission_id;          // also the sandbox id and its directory name
  std::string package_uri;            // the agent package (agent_package::uri())
  std::string token_sha256;           // digest of the sandbox token
  std::optional<std::string> root;    // node directory holding sandboxes; unset: the agent's default
};

/// The job submission: entrypoint `exec python3 sbx_ray_agent.py --id <id> --lifetime
/// <timeout_secs> [--root <root>]` in the agent package; resources
/// entrypoint_num_cpus = cpu, entrypoint_memory = memory_mb MiB in bytes,
/// entrypoint_num_gpus = gpu, entrypoint_resources {"accelerator_type:<gpu_type>": 0.001};
/// metadata = the labels (owner labels included); runtime_env.env_vars carries only the
/// token digest. backend_options are merged last: a key replaces the built one, except
/// that two objects (runtime_env, metadata, entrypoint_resources) merge key by key.
boost::json::object make_job_request(const ResolvedOptions& options, const job_spec& spec);

}  // namespace sbx::drivers::ray
