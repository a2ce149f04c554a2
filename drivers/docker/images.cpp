#include "drivers/docker/images.hpp"

#include "drivers/docker/pull_progress.hpp"
#include "drivers/docker/requests.hpp"
#include "log.hpp"

namespace sbx::drivers::docker {
namespace {

void log_event(const std::string& image, const pull_event& event) {
  if (event.current || event.status.empty() || !detail::log_enabled(log_level::info)) return;
  detail::log(log_level::info, "docker: pull " + image + ": " + (event.id.empty() ? "" : event.id + " ") + event.status);
}

}  // namespace

awaitable<std::optional<image_facts>> inspect_image(const engine& daemon, const std::string& name) {
  const std::string op = "create";
  const auto answer = co_await daemon.send(plain_request(http::verb::get, "/images/" + image_path(name) + "/json", op));
  if (answer.status == 404) co_return std::nullopt;
  expect_status(answer.status, answer.body, {200}, op, failure_kind::creation, {{"image", name}});
  co_return parse_image_inspect(answer.body, op);
}

awaitable<void> pull_image(const engine& daemon, const std::string& name) {
  const std::string op = "pull";
  auto req = plain_request(http::verb::post, pull_target(split_image_reference(name)), op);
  req.timeout = std::chrono::minutes(10);
  if (daemon.registry_auth()) req.headers.set_sensitive("X-Registry-Auth", *daemon.registry_auth());
  detail::log(log_level::info, "docker: pulling image " + name);
  auto stream = co_await daemon.open_stream(std::move(req));
  if (stream.status() != 200) {
    const auto body = co_await stream.read_all();
    throw_engine_error(stream.status(), body, op, failure_kind::creation, {{"image", name}});
  }
  pull_progress_parser parser;
  while (const auto chunk = co_await stream.next_chunk()) {
    for (const auto& event : parser.feed(*chunk)) {
      if (event.error)
        throw SandboxCreationError("pulling image " + name + " failed: " + *event.error,
                                   {.backend = "docker", .op = op, .context = {{"image", name}}});
      log_event(name, event);
    }
  }
  parser.finish();
}

awaitable<image_facts> ensure_image(const engine& daemon, const std::string& name, bool may_pull) {
  if (auto facts = co_await inspect_image(daemon, name)) co_return std::move(*facts);
  if (!may_pull)
    throw SandboxNotFoundError("snapshot image " + name + " does not exist on the Docker daemon",
                               {.backend = "docker", .op = "create", .context = {{"snapshot_id", name}}});
  co_await pull_image(daemon, name);
  if (auto facts = co_await inspect_image(daemon, name)) co_return std::move(*facts);
  throw SandboxCreationError("image " + name + " is still missing after a successful pull",
                             {.backend = "docker", .op = "create", .context = {{"image", name}}});
}

}  // namespace sbx::drivers::docker
