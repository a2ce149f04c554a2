#include "drivers/modal/modal_requests.hpp"

#include "owner_labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <stdexcept>

namespace sbx::drivers::modal {
namespace {

namespace json = boost::json;

constexpr std::chrono::seconds idle_margin{60};

}  // namespace

std::string registry_dockerfile(const std::string& image) { return "FROM " + image; }

api::SandboxCreateRequest sandbox_create_request(const ResolvedOptions& options, const sandbox_inputs& inputs) {
  api::SandboxCreateRequest request;
  request.set_app_id(inputs.app_id);
  auto& definition = *request.mutable_definition();
  definition.add_entrypoint_args("sleep");
  definition.add_entrypoint_args(std::to_string(options.timeout_secs + idle_margin.count()));
  definition.set_image_id(inputs.image_id);
  for (const auto& id : inputs.secret_ids) definition.add_secret_ids(id);
  auto& resources = *definition.mutable_resources();
  resources.set_milli_cpu(static_cast<std::uint32_t>(std::lround(options.cpu * 1000)));
  resources.set_memory_mb(static_cast<std::uint32_t>(options.memory_mb));
  if (options.gpu && *options.gpu > 0) {
    auto& gpu = *resources.mutable_gpu_config();
    gpu.set_count(static_cast<std::uint32_t>(*options.gpu));
    gpu.set_gpu_type(options.gpu_type.value_or("ANY"));
  }
  definition.set_timeout_secs(static_cast<std::uint32_t>(options.timeout_secs));
  if (!inputs.workdir.empty()) definition.set_workdir(inputs.workdir);
  definition.set_block_network(!options.allow_internet);
  definition.mutable_network_access()->set_network_access_type(
      options.allow_internet ? api::NetworkAccess::OPEN : api::NetworkAccess::BLOCKED);
  for (const auto& [name, value] : inputs.tags) {
    auto& tag = *request.add_tags();
    tag.set_tag_name(name);
    tag.set_tag_value(value);
  }
  return request;
}

void merge_backend_options(api::Sandbox& definition, const json::object& backend_options) {
  if (backend_options.empty()) return;
  api::Sandbox overlay;
  const auto status = google::protobuf::util::JsonStringToMessage(json::serialize(backend_options), &overlay);
  if (!status.ok()) throw std::invalid_argument(std::string(status.message()));
  definition.MergeFrom(overlay);
}

router::TaskExecStartRequest exec_start_request(const std::string& task_id, const std::string& exec_id,
                                                const std::vector<std::string>& argv, const env_map& env,
                                                const std::string& cwd,
                                                std::optional<std::chrono::milliseconds> timeout,
                                                std::chrono::seconds grace) {
  router::TaskExecStartRequest request;
  request.set_task_id(task_id);
  request.set_exec_id(exec_id);
  for (const auto& arg : argv) request.add_command_args(arg);
  request.set_stdout_config(router::TASK_EXEC_STDOUT_CONFIG_PIPE);
  request.set_stderr_config(router::TASK_EXEC_STDERR_CONFIG_PIPE);
  if (timeout) {
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(*timeout) + grace;
    request.set_timeout_secs(static_cast<std::uint32_t>(seconds.count()));
  }
  if (!cwd.empty()) request.set_workdir(cwd);
  for (const auto& [name, value] : env) (*request.mutable_env())[name] = value;
  return request;
}

std::optional<int> exit_code_of(const router::TaskExecWaitResponse& wait) {
  switch (wait.exit_status_case()) {
    case router::TaskExecWaitResponse::kCode: return wait.code();
    case router::TaskExecWaitResponse::kSignal: return 128 + wait.signal();
    default: return std::nullopt;
  }
}

std::string new_exec_id() {
  auto hex = detail::random_hex(32);
  hex[12] = '4';  // version 4
  hex[16] = "89ab"[hex[16] % 4];  // the RFC 4122 variant
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

std::vector<std::string> fs_tools_command(std::string_view operation, const std::string& path,
                                          std::optional<std::pair<std::string_view, bool>> extra) {
  json::object arguments{{"path", path}};
  if (extra) arguments[extra->first] = extra->second;
  json::object request;
  request[operation] = std::move(arguments);
  return {fs_tools_path, json::serialize(request)};
}

std::vector<FileInfo> parse_fs_entries(std::string_view text) {
  boost::system::error_code ec;
  const auto value = json::parse(text, ec);
  if (ec || !value.is_array()) throw std::invalid_argument("a ListFiles answer is not a JSON array");
  std::vector<FileInfo> out;
  for (const auto& item : value.as_array()) {
    if (!item.is_object()) throw std::invalid_argument("a ListFiles entry is not a JSON object");
    const auto& o = item.as_object();
    const auto* path = o.if_contains("path");
    const auto* type = o.if_contains("type");
    if (!path || !path->is_string() || !type || !type->is_string())
      throw std::invalid_argument("a ListFiles entry lacks path or type");
    FileInfo info{.path = std::string(path->as_string()), .is_dir = type->as_string() == "directory"};
    if (type->as_string() == "file") {
      const auto* size = o.if_contains("size");
      info.size = size && size->is_number() ? size->to_number<std::uint64_t>() : 0;
    }
    out.push_back(std::move(info));
  }
  return out;
}

fs_error parse_fs_error(std::string_view stderr_text) {
  boost::system::error_code ec;
  const auto value = json::parse(stderr_text, ec);
  if (!ec && value.is_object()) {
    const auto& o = value.as_object();
    const auto* kind = o.if_contains("error_kind");
    const auto* message = o.if_contains("message");
    return {kind && kind->is_string() ? std::string(kind->as_string()) : std::string(),
            message && message->is_string() ? std::string(message->as_string()) : std::string(stderr_text)};
  }
  return {{}, std::string(stderr_text)};
}

bool has_ended(const api::GenericResult& result) {
  return result.status() != api::GenericResult::GENERIC_STATUS_UNSPECIFIED;
}

}  // namespace sbx::drivers::modal
