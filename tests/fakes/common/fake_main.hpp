// The command line every fake shares, and the loop that runs one as a program:
//
//   sbx-fake-<name> [--host 127.0.0.1] [--port 0] [--root DIR] [--echo]
//                   [--latency-ms N] [--rate-429 R] [--retry-after S] [--rate-5xx R]
//                   [--status-5xx CODE] [--rate-reset R] [--rate-hang R]
//                   [--fail-nth N:KIND]... [--fault-path PREFIX]... [--seed N]
//                   [provider options]
//
// Once listening it prints "<name> listening on http://HOST:PORT" on stdout (so that
// --port 0 can be used) and serves until SIGINT or SIGTERM, then ends every sandbox and
// removes its root directory.
#pragma once

#include "fakes/common/fake_server.hpp"
#include "fakes/common/sandbox_registry.hpp"

#include <boost/program_options.hpp>

#include <functional>
#include <string>

namespace sbx_fake {

/// What a provider's fake gets to install its routes.
struct fake_context {
  fake_server& server;
  sandbox_registry& registry;
  const boost::program_options::variables_map& options;
  boost::asio::any_io_executor executor;  // the single-threaded executor everything runs on
};

/// A provider's part of a fake program.
struct fake_definition {
  std::string name;          // "e2b": the program is sbx-fake-e2b
  sandbox_layout layout;
  boost::program_options::options_description options{"provider options"};
  std::function<void(fake_context&)> install;  // adds the provider's routes
  // Optional: runs on the executor when the fake stops, before its sandboxes end (e.g.
  // to shut down a server of the provider's own that runs on other threads).
  std::function<void()> stop;
};

/// Parses the command line, starts the server and serves until a signal arrives.
/// Returns the process exit code (2 for usage errors and a missing bubblewrap).
int run_fake_main(fake_definition definition, int argc, char** argv);

}  // namespace sbx_fake
