#include "drivers/docker/execs.hpp"

#include "drivers/docker/sleep.hpp"

namespace sbx::drivers::docker {

awaitable<std::string> create_exec(const engine& daemon, const std::string& container,
                                   const boost::json::object& body, const std::string& op) {
  const auto answer = co_await daemon.send(json_request(http::verb::post, "/containers/" + container + "/exec", body, op));
  expect_status(answer.status, answer.body, {201}, op, failure_kind::execution, {{"container", container}});
  co_return parse_id(answer.body, op);
}

awaitable<http::hijacked_stream> start_exec(const engine& daemon, const std::string& exec_id, const std::string& op) {
  auto req = json_request(http::verb::post, "/exec/" + exec_id + "/start",
                          boost::json::object{{"Detach", false}, {"Tty", false}}, op);
  req.headers.set("Connection", "Upgrade");
  req.headers.set("Upgrade", "tcp");
  auto stream = co_await daemon.upgrade(std::move(req));
  if (!stream.upgraded()) throw_engine_error(stream.head().status, stream.head().body, op, failure_kind::execution);
  co_return stream;
}

awaitable<int> exec_exit_code(const engine& daemon, const std::string& exec_id, const std::string& op) {
  constexpr int attempts = 20;
  for (int attempt = 0;; ++attempt) {
    const auto answer = co_await daemon.send(plain_request(http::verb::get, "/exec/" + exec_id + "/json", op));
    expect_status(answer.status, answer.body, {200}, op, failure_kind::execution);
    const auto state = parse_exec_inspect(answer.body, op);
    if (!state.running && state.exit_code) co_return *state.exit_code;
    if (attempt + 1 == attempts)
      throw SandboxExecutionError("the Docker daemon reported no exit code for a finished command",
                                  {.backend = "docker", .op = op});
    co_await sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace sbx::drivers::docker
