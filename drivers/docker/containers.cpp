#include "drivers/docker/containers.hpp"

#include "drivers/docker/requests.hpp"

namespace sbx::drivers::docker {

awaitable<std::string> create_container(const engine& daemon, const std::string& name,
                                        const boost::json::object& body) {
  const std::string op = "create";
  const auto answer =
      co_await daemon.send(json_request(http::verb::post, "/containers/create?name=" + query_value(name), body, op));
  expect_status(answer.status, answer.body, {201}, op, failure_kind::creation);
  co_return parse_id(answer.body, op);
}

awaitable<void> start_container(const engine& daemon, const std::string& id) {
  const std::string op = "create";
  const auto answer = co_await daemon.send(plain_request(http::verb::post, "/containers/" + id + "/start", op));
  expect_status(answer.status, answer.body, {204, 304}, op, failure_kind::creation, {{"container", id}});
}

awaitable<container_facts> inspect_container(const engine& daemon, const std::string& id, const std::string& op) {
  const auto answer = co_await daemon.send(plain_request(http::verb::get, "/containers/" + query_value(id) + "/json", op));
  expect_status(answer.status, answer.body, {200}, op, failure_kind::execution, {{"container", id}});
  co_return parse_container_inspect(answer.body, op);
}

awaitable<std::vector<container_summary>> list_labelled(const engine& daemon, const std::string& key,
                                                        const std::string& value, const std::string& op) {
  const auto answer = co_await daemon.send(plain_request(http::verb::get, list_by_label_target(key, value), op));
  expect_status(answer.status, answer.body, {200}, op, failure_kind::execution);
  co_return parse_container_list(answer.body, op);
}

awaitable<std::string> commit_container(const engine& daemon, const std::string& id) {
  const std::string op = "snapshot";
  auto req = plain_request(http::verb::post, "/commit?container=" + id + "&comment=" + query_value("sbx snapshot"), op);
  req.timeout = std::chrono::minutes(10);
  const auto answer = co_await daemon.send(std::move(req));
  expect_status(answer.status, answer.body, {201, 200}, op, failure_kind::execution, {{"container", id}});
  co_return parse_id(answer.body, op);
}

awaitable<bool> remove_container(const engine& daemon, const std::string& id, const std::string& op) {
  const auto answer =
      co_await daemon.send(plain_request(http::verb::delete_, "/containers/" + id + "?force=true&v=true", op));
  if (answer.status == 404 || answer.status == 409) co_return false;
  expect_status(answer.status, answer.body, {204, 200}, op, failure_kind::execution, {{"container", id}});
  co_return true;
}

}  // namespace sbx::drivers::docker
