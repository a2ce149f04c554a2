// The toolbox's processes. /process/execute and /process/code-run run a command to its
// end and answer its exit code with stdout and stderr merged ("result"), killing its
// process group at "timeout" (408). Sessions run commands in the background
// (runAsync) and report their exit code; deleting a session kills the process groups
// of its commands. As in the daemon, a command keeps running when its client goes away.
#include "fakes/daytona/daytona_fake.hpp"

#include "owner_labels.hpp"
#include "process/concurrently.hpp"
#include "process/process_group.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fstream>

namespace sbx_fake::daytona {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

std::string string_field(const json::object& body, std::string_view key) {
  const auto* value = body.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

sbx::env_map envs_of(const exchange& ex, const json::object& body) {
  sbx::env_map out;
  const auto* envs = body.if_contains("envs");
  if (!envs || envs->is_null()) return out;
  if (!envs->is_object()) throw toolbox_error(ex, 400, "envs must be an object of strings");
  for (const auto& [k, v] : envs->as_object()) {
    if (k.empty() || !v.is_string()) throw toolbox_error(ex, 400, "invalid env key or value");
    out[k] = v.as_string();
  }
  return out;
}

std::optional<std::chrono::seconds> timeout_of(const json::object& body) {
  const auto* value = body.if_contains("timeout");
  if (!value || !value->is_number()) return std::nullopt;
  const auto seconds = value->to_number<std::int64_t>();
  if (seconds <= 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

std::string cwd_of(const fake_sandbox& sandbox, const exchange& ex, const std::string& requested) {
  const auto cwd = sandbox.paths().resolve(requested);
  std::error_code ec;
  if (!std::filesystem::is_directory(sandbox.paths().readable(cwd), ec))
    throw toolbox_error(ex, 400, "cwd '" + cwd + "' does not exist");
  return cwd;
}

// Kills the process group of a command (nothing in echo mode, whose pids are made up).
void kill_group(const daytona_state& state, int pid) {
  if (!state.registry.runner().echo && pid > 0) sbx::process::kill_process_group(pid);
}

awaitable<void> wait_forever() {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::steady_clock::time_point::max());
  co_await timer.async_wait(asio::use_awaitable);
}

// A finished foreground command: exit code, merged output, and whether it timed out.
struct finished {
  int exit_code = 0;
  std::string output;
  bool expired = false;
};

// Runs `spec` to its end, killing its process group after `timeout`.
awaitable<finished> run_to_end(daytona_state& state, fake_sandbox& sandbox, command_spec spec,
                               std::optional<std::chrono::seconds> timeout) {
  const auto process = sandbox.start(state.registry.runner(), std::move(spec));
  finished out;
  auto run = [&]() -> awaitable<void> {
    const auto exit = co_await process->run([&out](sbx::output_stream, std::string_view chunk) -> awaitable<void> {
      out.output.append(chunk);
      co_return;
    });
    out.exit_code = exit.exit_code;
  };
  auto watch = [&]() -> awaitable<void> {
    if (timeout) {
      asio::steady_timer timer(co_await asio::this_coro::executor, *timeout);
      co_await timer.async_wait(asio::use_awaitable);
      out.expired = true;
      kill_group(state, process->pid());
    }
    co_await wait_forever();
  };
  co_await sbx::process::first_of(run(), watch());  // the command always ends first
  sandbox.forget(process->pid());
  co_return out;
}

json::object execute_answer(const finished& done) { return {{"exitCode", done.exit_code}, {"result", done.output}}; }

json::object code_run_answer(const finished& done) {
  auto answer = execute_answer(done);
  answer["artifacts"] = json::object{{"charts", json::array()}};
  return answer;
}

std::string shell_quote(std::string_view word) {
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

command_spec shell_command(std::string command, sbx::env_map env, std::string cwd) {
  return {.argv = {"/bin/sh", "-c", std::move(command)}, .env = std::move(env), .cwd = std::move(cwd)};
}

awaitable<void> execute(state_ptr state, exchange& ex) {
  const auto sandbox = toolbox_sandbox(*state, ex);
  const auto body = json_body(ex, true);
  const auto command = string_field(body, "command");
  if (command.find_first_not_of(" \t\r\n") == std::string::npos) throw toolbox_error(ex, 400, "command is required");
  auto spec = shell_command(command, envs_of(ex, body), cwd_of(*sandbox, ex, string_field(body, "cwd")));
  const auto done = co_await run_to_end(*state, *sandbox, std::move(spec), timeout_of(body));
  if (done.expired) throw toolbox_error(ex, 408, "request timeout: command execution timeout");
  co_await ex.respond_json(200, execute_answer(done));
}

// The interpreter command line of /process/code-run for `language`.
std::optional<std::string> interpreter_of(std::string_view language) {
  if (language == "python") return "python3 -u";
  if (language == "javascript") return "node";
  if (language == "typescript") return "npx --yes ts-node";
  return std::nullopt;
}

awaitable<void> code_run(state_ptr state, exchange& ex) {
  const auto sandbox = toolbox_sandbox(*state, ex);
  const auto body = json_body(ex, true);
  const auto code = string_field(body, "code");
  const auto interpreter = interpreter_of(string_field(body, "language"));
  if (code.empty()) throw toolbox_error(ex, 400, "code is required");
  if (!interpreter) throw toolbox_error(ex, 400, "unsupported language");
  // The daemon pipes the code into the interpreter; the fake runs it from a file in /tmp.
  const auto file = "/tmp/.sbx-fake-code-" + sbx::detail::random_hex(12);
  std::ofstream(*sandbox->paths().writable(file), std::ios::binary) << code;
  std::string command = *interpreter + " " + file;
  if (const auto* argv = body.if_contains("argv"); argv && argv->is_array())
    for (const auto& arg : argv->as_array())
      if (arg.is_string()) command += " " + shell_quote(arg.as_string());
  command += "; status=$?; rm -f " + file + "; exit $status";
  auto spec = shell_command(std::move(command), envs_of(ex, body), sandbox->paths().home());
  const auto done = co_await run_to_end(*state, *sandbox, std::move(spec), timeout_of(body));
  if (done.expired) throw toolbox_error(ex, 408, "request timeout: command execution timeout");
  co_await ex.respond_json(200, code_run_answer(done));
}

// The sessions of the request's sandbox.
std::map<std::string, shell_session>& sessions_of(daytona_state& state, const exchange& ex) {
  return state.sessions[ex.param("sandbox")];
}

shell_session& existing_session(daytona_state& state, const exchange& ex) {
  auto& sessions = sessions_of(state, ex);
  const auto it = sessions.find(ex.param("session"));
  if (it == sessions.end()) throw toolbox_error(ex, 404, "session not found");
  return it->second;
}

json::object command_json(const session_command& command) {
  json::object out{{"id", command.id}, {"command", command.command}};
  if (command.exit_code) out["exitCode"] = *command.exit_code;
  return out;
}

json::object session_json(const std::string& id, const shell_session& session) {
  json::array commands;
  for (const auto& [_, command] : session) commands.push_back(command_json(*command));
  return {{"sessionId", id}, {"commands", std::move(commands)}};
}

// Runs a session command in the background until it ends, then records its exit code.
awaitable<void> run_in_background(std::shared_ptr<fake_sandbox> sandbox, std::shared_ptr<fake_process> process,
                                  std::shared_ptr<session_command> command) {
  try {
    const auto exit = co_await process->run([](sbx::output_stream, std::string_view) -> awaitable<void> { co_return; });
    command->exit_code = exit.exit_code;
  } catch (const std::exception&) {
    command->exit_code = -1;
  }
  sandbox->forget(process->pid());
}

std::shared_ptr<session_command> new_command(const std::string& text) {
  return std::make_shared<session_command>(session_command{.id = sbx::detail::random_hex(32), .command = text});
}

json::object started_answer(const session_command& command) { return {{"cmdId", command.id}}; }

json::object finished_answer(const session_command& command, const finished& done) {
  return {{"cmdId", command.id}, {"output", done.output}, {"stdout", done.output}, {"stderr", ""},
          {"exitCode", done.exit_code}};
}

awaitable<void> session_exec(state_ptr state, exchange& ex) {
  const auto sandbox = toolbox_sandbox(*state, ex);
  auto& session = existing_session(*state, ex);
  const auto body = json_body(ex, true);
  const auto text = string_field(body, "command");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw toolbox_error(ex, 400, "command cannot be empty");
  const auto* run_async = body.if_contains("runAsync");
  const auto* async = body.if_contains("async");
  const bool background = (run_async && run_async->is_bool() && run_async->as_bool()) ||
                          (async && async->is_bool() && async->as_bool());
  auto command = new_command(text);
  session[command->id] = command;
  auto spec = shell_command(text, {}, sandbox->paths().home());
  if (!background) {
    const auto done = co_await run_to_end(*state, *sandbox, std::move(spec), std::nullopt);
    command->exit_code = done.exit_code;
    co_await ex.respond_json(200, finished_answer(*command, done));
    co_return;
  }
  const auto process = sandbox->start(state->registry.runner(), std::move(spec));
  command->pid = state->registry.runner().echo ? 0 : process->pid();
  asio::co_spawn(co_await asio::this_coro::executor, run_in_background(sandbox, process, command), asio::detached);
  co_await ex.respond_json(202, started_answer(*command));
}

// Forgets a session after killing the process groups of its running commands.
void delete_session(daytona_state& state, const exchange& ex) {
  auto& sessions = sessions_of(state, ex);
  const auto it = sessions.find(ex.param("session"));
  if (it == sessions.end()) throw toolbox_error(ex, 404, "session not found");
  for (const auto& [_, command] : it->second)
    if (!command->exit_code) kill_group(state, command->pid);
  sessions.erase(it);
}

}  // namespace

void add_toolbox_process(router& routes, state_ptr state) {
  routes.add(http::verb::post, toolbox_route("/process/execute"), [state](exchange& ex) { return execute(state, ex); });
  routes.add(http::verb::post, toolbox_route("/process/code-run"), [state](exchange& ex) { return code_run(state, ex); });
  routes.add(http::verb::post, toolbox_route("/process/session"), [state](exchange& ex) -> awaitable<void> {
    toolbox_sandbox(*state, ex);
    const auto id = string_field(json_body(ex, true), "sessionId");
    if (id.empty()) throw toolbox_error(ex, 400, "sessionId is required");
    if (!sessions_of(*state, ex).emplace(id, shell_session{}).second) throw toolbox_error(ex, 409, "session already exists");
    co_await ex.respond(201);
  });
  routes.add(http::verb::get, toolbox_route("/process/session"), [state](exchange& ex) -> awaitable<void> {
    toolbox_sandbox(*state, ex);
    json::array all;
    for (const auto& [id, session] : sessions_of(*state, ex)) all.push_back(session_json(id, session));
    co_await ex.respond_json(200, all);
  });
  routes.add(http::verb::get, toolbox_route("/process/session/{session}"), [state](exchange& ex) -> awaitable<void> {
    toolbox_sandbox(*state, ex);
    co_await ex.respond_json(200, session_json(ex.param("session"), existing_session(*state, ex)));
  });
  routes.add(http::verb::delete_, toolbox_route("/process/session/{session}"), [state](exchange& ex) -> awaitable<void> {
    toolbox_sandbox(*state, ex);
    delete_session(*state, ex);
    co_await ex.respond(204);
  });
  routes.add(http::verb::post, toolbox_route("/process/session/{session}/exec"),
             [state](exchange& ex) { return session_exec(state, ex); });
  routes.add(http::verb::get, toolbox_route("/process/session/{session}/command/{command}"),
             [state](exchange& ex) -> awaitable<void> {
               toolbox_sandbox(*state, ex);
               const auto& session = existing_session(*state, ex);
               const auto it = session.find(ex.param("command"));
               if (it == session.end()) throw toolbox_error(ex, 404, "command not found");
               co_await ex.respond_json(200, command_json(*it->second));
             });
}

}  // namespace sbx_fake::daytona
