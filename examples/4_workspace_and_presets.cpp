// 4. Creating a ready workspace: files, a manifest, and a preset of your own.
#include <sbx/sbx.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

namespace asio = boost::asio;

// Built outside the coroutine: GCC 12 cannot compile initializer lists of strings
// inside a coroutine frame.
sbx::CreateOptions workspace_options() {
  sbx::register_preset({.name = "greeter",
                        .description = "writes a greeting during setup",
                        .setup_commands = {"echo 'set up by the preset' > setup.log"},
                        .env_vars = {{"TEAM", "sbx"}}});

  sbx::CreateOptions options{.preset = "greeter"};
  options.files = {{"README.md", "# scratch\n"}};
  options.workspace.entries = {
      {"config/app.json", sbx::workspace::File{R"({"debug": true})"}},
      {"config/app.json", sbx::workspace::File{R"({"debug": false})"}},  // later entries win
  };
  return options;
}

asio::awaitable<void> workspace() {
  auto client = co_await sbx::Client::connect("local");
  auto sandbox = co_await client.create(workspace_options());
  std::cout << (co_await sandbox.exec("cat setup.log config/app.json; echo; echo team=$TEAM")).std_out;
  std::cout << "resume me with: " << sandbox.session_state().to_json() << "\n";
  co_await sandbox.destroy();
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, workspace(), [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
  io.run();
}
