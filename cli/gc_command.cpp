// sbx gc [--backend B]...
#include "command_args.hpp"
#include "commands.hpp"
#include "run_async.hpp"

#include "sbx/client.hpp"
#include "sbx/errors.hpp"
#include "sbx/registry.hpp"

#include <boost/program_options/value_semantic.hpp>

#include <iostream>

namespace sbx::cli {

namespace {

// Every registered backend whose driver can find orphans.
std::vector<std::string> sweepable_backends() {
  std::vector<std::string> names;
  for (const auto& name : backend_names())
    if (find_backend(name).capabilities.sweep) names.push_back(name);
  return names;
}

enum class sweep_outcome { swept, unavailable, failed };

// Sweeps one backend and prints what it removed, or why it could not.
awaitable<sweep_outcome> sweep_backend(const std::string& backend) {
  std::string error;
  auto outcome = sweep_outcome::failed;
  try {
    auto client = co_await Client::connect(backend);
    const auto report = co_await client.sweep();
    std::cout << backend << ": removed " << report.removed.size() << ", kept " << report.kept << " live\n";
    for (const auto& id : report.removed) std::cout << "  " << id << "\n";
    co_return sweep_outcome::swept;
  } catch (const BackendNotInstalledError& e) {
    error = e.what();
    outcome = sweep_outcome::unavailable;
  } catch (const SandboxConnectionError& e) {
    error = e.what();
    outcome = sweep_outcome::unavailable;
  } catch (const SandboxConfigurationError& e) {  // e.g. no API key configured
    error = e.what();
    outcome = sweep_outcome::unavailable;
  } catch (const std::exception& e) {
    error = e.what();
  }
  std::cerr << backend << (outcome == sweep_outcome::unavailable ? ": not available: " : ": ") << error << "\n";
  co_return outcome;
}

// Sweeps each backend in turn. Any failure of a backend named explicitly fails the
// command; in the default sweep of everything, unavailable backends are only noted.
awaitable<int> sweep_all(std::vector<std::string> backends, bool explicit_list) {
  int status = 0;
  for (const auto& backend : backends) {
    const auto outcome = co_await sweep_backend(backend);
    if (outcome == sweep_outcome::failed || (explicit_list && outcome == sweep_outcome::unavailable))
      status = exit_sbx_failed;
  }
  co_return status;
}

}  // namespace

int gc_command(const std::vector<std::string>& args) {
  std::vector<std::string> backends;
  command_spec spec{
      .usage = "sbx gc [--backend B]...",
      .description =
          "Removes sandboxes this library created whose owner process is gone or whose\n"
          "lifetime passed; sandboxes of running processes are kept. Prints the removed ids.\n"
          "Default: every registered backend that supports sweeping (see 'sbx backends')."};
  spec.options.add_options()("backend,b",
                             boost::program_options::value(&backends)->value_name("B")->composing(),
                             "backend to sweep (repeatable)");
  const auto line = parse_command_line(args, spec);
  if (line.help) {
    print_help(spec);
    return 0;
  }
  if (!line.words.empty()) throw usage_error("unexpected argument '" + line.words.front() + "'");
  const bool explicit_list = !backends.empty();
  if (!explicit_list) backends = sweepable_backends();
  if (backends.empty()) std::cout << "no registered backend supports sweeping\n";
  return run_async(sweep_all(std::move(backends), explicit_list));
}

}  // namespace sbx::cli
