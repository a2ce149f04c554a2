#include "drivers/ray/job_request.hpp"

#include "drivers/ray/agent_package.hpp"
#include "paths.hpp"

#include <cstdint>

namespace sbx::drivers::ray {
namespace {

std::string entrypoint(const ResolvedOptions& options, const job_spec& spec) {
  std::vector<std::string> argv{"python3", std::string(agent_file_name), "--id", spec.submission_id,
                                "--lifetime", std::to_string(options.timeout_secs)};
  if (spec.root) {
    argv.push_back("--root");
    argv.push_back(*spec.root);
  }
  return "exec " + detail::shell_join(argv);
}

void merge_into(boost::json::object& target, const boost::json::object& overrides) {
  for (const auto& [key, value] : overrides) {
    auto* existing = target.if_contains(key);
    if (existing && existing->is_object() && value.is_object()) {
      for (const auto& [inner_key, inner_value] : value.get_object()) existing->get_object()[inner_key] = inner_value;
    } else {
      target[key] = value;
    }
  }
}

}  // namespace

boost::json::object make_job_request(const ResolvedOptions& options, const job_spec& spec) {
  boost::json::object metadata;
  for (const auto& [name, value] : options.labels) metadata[name] = value;
  boost::json::object request{
      {"submission_id", spec.submission_id},
      {"entrypoint", entrypoint(options, spec)},
      {"runtime_env",
       {{"working_dir", spec.package_uri}, {"env_vars", {{"SBX_AGENT_TOKEN_SHA256", spec.token_sha256}}}}},
      {"metadata", std::move(metadata)},
      {"entrypoint_num_cpus", options.cpu},
      {"entrypoint_memory", static_cast<std::int64_t>(options.memory_mb) * 1024 * 1024},
  };
  if (options.gpu) request["entrypoint_num_gpus"] = *options.gpu;
  if (options.gpu_type) request["entrypoint_resources"] = {{"accelerator_type:" + *options.gpu_type, 0.001}};
  merge_into(request, options.backend_options);
  return request;
}

}  // namespace sbx::drivers::ray
