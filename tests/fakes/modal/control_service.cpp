#include "fakes/modal/control_service.hpp"

#include "owner_labels.hpp"

#include <algorithm>

namespace sbx_fake::modal {
namespace {

namespace fs = std::filesystem;
using boost::asio::awaitable;

constexpr std::size_t list_page = 100;

grpc::Status not_found(const std::string& what) { return grpc::Status(grpc::StatusCode::NOT_FOUND, what + " not found"); }

std::string new_id(const char* prefix) { return prefix + sbx::detail::random_hex(22); }

double seconds_of(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// Copies a snapshot's directories over the new sandbox's private directories.
void restore_snapshot(const fs::path& snapshot, const fake_sandbox& sandbox) {
  const auto& mounts = sandbox.paths().mounts();
  for (std::size_t i = 0; i < mounts.size(); ++i) {
    const auto source = snapshot / std::to_string(i);
    if (fs::exists(source))
      fs::copy(source, mounts[i].host_path,
               fs::copy_options::recursive | fs::copy_options::copy_symlinks | fs::copy_options::overwrite_existing);
  }
}

}  // namespace

template <class Body>
grpc::Status control_service::serve(grpc::ServerContext* call, const char* rpc, Body body) {
  const auto fate = state_->admit(call, std::string("/modal.client.ModalClient/") + rpc);
  if (!fate.refusal.ok()) return fate.refusal;
  if (auto auth = state_->check_token(call); !auth.ok()) return auth;
  auto status = body();
  if (fate.drop) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection lost (injected by the fake)");
  return status;
}

grpc::Status control_service::AppGetOrCreate(grpc::ServerContext* call, const api::AppGetOrCreateRequest* request,
                                             api::AppGetOrCreateResponse* response) {
  return serve(call, "AppGetOrCreate", [&] {
    std::lock_guard lock(state_->mutex);
    auto it = state_->apps.find(request->app_name());
    if (it == state_->apps.end()) {
      if (request->object_creation_type() != api::OBJECT_CREATION_TYPE_CREATE_IF_MISSING) return not_found("App");
      it = state_->apps.emplace(request->app_name(), new_id("ap-")).first;
    }
    response->set_app_id(it->second);
    return grpc::Status::OK;
  });
}

grpc::Status control_service::ImageGetOrCreate(grpc::ServerContext* call, const api::ImageGetOrCreateRequest* request,
                                               api::ImageGetOrCreateResponse* response) {
  return serve(call, "ImageGetOrCreate", [&] {
    const auto& commands = request->image().dockerfile_commands();
    if (commands.size() != 1 || !commands[0].starts_with("FROM ") || commands[0].size() <= 5)
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the fake builds only a single FROM <tag>");
    const auto tag = commands[0].substr(5);
    std::lock_guard lock(state_->mutex);
    auto it = std::find_if(state_->images.begin(), state_->images.end(),
                           [&](const auto& image) { return image.second.tag == tag; });
    if (it == state_->images.end()) it = state_->images.emplace(new_id("im-"), fake_image{.tag = tag}).first;
    response->set_image_id(it->first);
    if (it->second.built) response->mutable_result()->set_status(api::GenericResult::GENERIC_STATUS_SUCCESS);
    return grpc::Status::OK;
  });
}

grpc::Status control_service::ImageJoinStreaming(grpc::ServerContext* call, const api::ImageJoinStreamingRequest* request,
                                                 grpc::ServerWriter<api::ImageJoinStreamingResponse>* writer) {
  return serve(call, "ImageJoinStreaming", [&] {
    {
      std::lock_guard lock(state_->mutex);
      const auto it = state_->images.find(request->image_id());
      if (it == state_->images.end()) return not_found("Image " + request->image_id());
      it->second.built = true;
    }
    api::ImageJoinStreamingResponse message;
    message.set_entry_id("1-0");
    message.mutable_result()->set_status(api::GenericResult::GENERIC_STATUS_SUCCESS);
    message.set_eof(true);
    writer->Write(message);
    return grpc::Status::OK;
  });
}

grpc::Status control_service::SecretGetOrCreate(grpc::ServerContext* call, const api::SecretGetOrCreateRequest* request,
                                                 api::SecretGetOrCreateResponse* response) {
  return serve(call, "SecretGetOrCreate", [&] {
    if (request->object_creation_type() != api::OBJECT_CREATION_TYPE_EPHEMERAL)
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the fake makes ephemeral secrets only");
    sbx::env_map env(request->env_dict().begin(), request->env_dict().end());
    std::lock_guard lock(state_->mutex);
    const auto id = new_id("st-");
    state_->secrets.emplace(id, std::move(env));
    response->set_secret_id(id);
    return grpc::Status::OK;
  });
}

grpc::Status control_service::SandboxCreate(grpc::ServerContext* call, const api::SandboxCreateRequest* request,
                                            api::SandboxCreateResponse* response) {
  return serve(call, "SandboxCreate", [&] {
    const auto& definition = request->definition();
    sandbox_settings settings;
    fs::path snapshot;
    {
      std::lock_guard lock(state_->mutex);
      if (std::none_of(state_->apps.begin(), state_->apps.end(),
                       [&](const auto& app) { return app.second == request->app_id(); }))
        return not_found("App " + request->app_id());
      const auto image = state_->images.find(definition.image_id());
      if (image == state_->images.end()) return not_found("Image " + definition.image_id());
      snapshot = image->second.snapshot;
      for (const auto& secret_id : definition.secret_ids()) {
        const auto secret = state_->secrets.find(secret_id);
        if (secret == state_->secrets.end()) return not_found("Secret " + secret_id);
        for (const auto& [k, v] : secret->second) settings.env[k] = v;
      }
    }
    for (const auto& tag : request->tags()) settings.labels[tag.tag_name()] = tag.tag_value();
    settings.network = !definition.block_network() &&
                       definition.network_access().network_access_type() != api::NetworkAccess::BLOCKED;
    settings.lifetime = std::chrono::seconds(definition.timeout_secs());
    settings.attributes["app_id"] = request->app_id();
    settings.attributes["image_id"] = definition.image_id();
    settings.attributes["milli_cpu"] = definition.resources().milli_cpu();
    settings.attributes["memory_mb"] = definition.resources().memory_mb();
    auto id = std::make_shared<std::string>();
    auto state = state_;
    const auto made = state_->on_io(call, [state, id, settings, snapshot]() -> awaitable<grpc::Status> {
      auto sandbox = state->registry().create(settings);
      if (!snapshot.empty()) restore_snapshot(snapshot, *sandbox);
      *id = "sb-" + sandbox->id();
      std::lock_guard lock(state->mutex);
      state->sandboxes[*id] = sandbox_entry{.created_at = seconds_of(sandbox->created_at()), .tags = settings.labels};
      co_return grpc::Status::OK;
    });
    if (!made.ok()) return made;
    response->set_sandbox_id(*id);
    return grpc::Status::OK;
  });
}

grpc::Status control_service::SandboxGetTaskId(grpc::ServerContext* call, const api::SandboxGetTaskIdRequest* request,
                                               api::SandboxGetTaskIdResponse* response) {
  return serve(call, "SandboxGetTaskId", [&] {
    {
      std::lock_guard lock(state_->mutex);
      if (!state_->sandboxes.count(request->sandbox_id())) return not_found("Sandbox " + request->sandbox_id());
    }
    auto alive = std::make_shared<bool>(false);
    auto state = state_;
    const auto id = request->sandbox_id();
    const auto looked = state_->on_io(call, [state, alive, id]() -> awaitable<grpc::Status> {
      *alive = state->registry().find(id.substr(3)) != nullptr;
      co_return grpc::Status::OK;
    });
    if (!looked.ok()) return looked;
    if (*alive) response->set_task_id(task_of(id));
    else response->mutable_task_result()->set_status(api::GenericResult::GENERIC_STATUS_TERMINATED);
    return grpc::Status::OK;
  });
}

grpc::Status control_service::SandboxList(grpc::ServerContext* call, const api::SandboxListRequest* request,
                                          api::SandboxListResponse* response) {
  return serve(call, "SandboxList", [&] {
    sbx::env_map wanted;
    for (const auto& tag : request->tags()) wanted[tag.tag_name()] = tag.tag_value();
    auto found = std::make_shared<std::vector<api::SandboxInfo>>();
    auto state = state_;
    const double before = request->before_timestamp();
    const auto listed = state_->on_io(call, [state, found, wanted, before]() -> awaitable<grpc::Status> {
      for (const auto& sandbox : state->registry().list()) {
        const auto& labels = sandbox->settings().labels;
        const bool match = std::all_of(wanted.begin(), wanted.end(), [&](const auto& tag) {
          const auto it = labels.find(tag.first);
          return it != labels.end() && it->second == tag.second;
        });
        const double created = seconds_of(sandbox->created_at());
        if (!match || (before > 0 && created >= before)) continue;
        api::SandboxInfo info;
        info.set_id("sb-" + sandbox->id());
        info.set_created_at(created);
        info.mutable_task_info()->set_id(task_of("sb-" + sandbox->id()));
        for (const auto& [name, value] : labels) {
          auto& tag = *info.add_tags();
          tag.set_tag_name(name);
          tag.set_tag_value(value);
        }
        found->push_back(std::move(info));
      }
      co_return grpc::Status::OK;
    });
    if (!listed.ok()) return listed;
    std::sort(found->begin(), found->end(), [](const auto& a, const auto& b) { return a.created_at() > b.created_at(); });
    for (std::size_t i = 0; i < found->size() && i < list_page; ++i) *response->add_sandboxes() = (*found)[i];
    return grpc::Status::OK;
  });
}

grpc::Status control_service::SandboxTerminate(grpc::ServerContext* call, const api::SandboxTerminateRequest* request,
                                               api::SandboxTerminateResponse* response) {
  return serve(call, "SandboxTerminate", [&] {
    const auto id = request->sandbox_id();
    {
      std::lock_guard lock(state_->mutex);
      if (!state_->sandboxes.count(id)) return not_found("Sandbox " + id);
      const auto prefix = task_of(id) + "/";
      for (auto it = state_->execs.lower_bound(prefix); it != state_->execs.end() && it->first.starts_with(prefix);)
        it = state_->execs.erase(it);
    }
    auto state = state_;
    const auto removed = state_->on_io(call, [state, id]() -> awaitable<grpc::Status> {
      state->registry().remove(id.substr(3));
      co_return grpc::Status::OK;
    });
    if (!removed.ok()) return removed;
    response->mutable_existing_result()->set_status(api::GenericResult::GENERIC_STATUS_TERMINATED);
    return grpc::Status::OK;
  });
}

grpc::Status control_service::TaskGetCommandRouterAccess(grpc::ServerContext* call,
                                                         const api::TaskGetCommandRouterAccessRequest* request,
                                                         api::TaskGetCommandRouterAccessResponse* response) {
  return serve(call, "TaskGetCommandRouterAccess", [&] {
    const auto task = request->task_id();
    auto alive = std::make_shared<bool>(false);
    auto state = state_;
    const auto looked = state_->on_io(call, [state, alive, task]() -> awaitable<grpc::Status> {
      *alive = task.size() > 3 && state->registry().find(task.substr(3)) != nullptr;
      co_return grpc::Status::OK;
    });
    if (!looked.ok()) return looked;
    if (!*alive) return not_found("Task " + task);
    std::lock_guard lock(state_->mutex);
    auto& jwt = state_->router_jwts[task];
    if (jwt.empty()) jwt = "jwt-" + sbx::detail::random_hex(32);
    response->set_jwt(jwt);
    response->set_url(state_->grpc_url);
    return grpc::Status::OK;
  });
}

}  // namespace sbx_fake::modal
