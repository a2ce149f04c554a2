#include "fakes/common/fake_main.hpp"

#include "fakes/common/control_api.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <functional>
#include <cstdlib>
#include <iostream>
#include <sys/resource.h>
#include <unistd.h>

namespace sbx_fake {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

po::options_description common_options() {
  po::options_description d("fake options");
  d.add_options()
      ("help", "print this help")
      ("host", po::value<std::string>()->default_value("127.0.0.1"), "address to listen on")
      ("port", po::value<std::uint16_t>()->default_value(0), "port (0: pick a free one)")
      ("root", po::value<std::string>(), "directory for the sandboxes (default: a new temp dir)")
      ("echo", po::bool_switch(), "answer commands without running them (output: the command line)")
      ("latency-ms", po::value<unsigned>()->default_value(0), "delay added to every request")
      ("rate-429", po::value<double>()->default_value(0), "share of requests answered 429")
      ("retry-after", po::value<std::string>()->default_value("1"), "Retry-After of injected 429s")
      ("rate-5xx", po::value<double>()->default_value(0), "share of requests answered 5xx")
      ("status-5xx", po::value<unsigned>()->default_value(503), "status of injected 5xx")
      ("rate-reset", po::value<double>()->default_value(0), "share of requests reset unprocessed")
      ("rate-drop", po::value<double>()->default_value(0), "share of requests processed, then reset")
      ("rate-hang", po::value<double>()->default_value(0), "share of requests never answered")
      ("fail-nth", po::value<std::vector<std::string>>(), "N:KIND (KIND: 429, 5xx, reset, drop, hang), repeatable")
      ("fault-path", po::value<std::vector<std::string>>(), "path prefix subject to faults, repeatable")
      ("seed", po::value<std::uint64_t>()->default_value(1), "seed of the fault sequence")
      ("exit-with-stdin", po::bool_switch(), "stop when stdin reaches EOF (the parent holding it is gone)");
  return d;
}

fault_config faults_from(const po::variables_map& vm) {
  boost::json::object o{
      {"latency_ms", vm["latency-ms"].as<unsigned>()}, {"rate_429", vm["rate-429"].as<double>()},
      {"retry_after", vm["retry-after"].as<std::string>()}, {"rate_5xx", vm["rate-5xx"].as<double>()},
      {"status_5xx", vm["status-5xx"].as<unsigned>()}, {"rate_reset", vm["rate-reset"].as<double>()},
      {"rate_drop", vm["rate-drop"].as<double>()},
      {"rate_hang", vm["rate-hang"].as<double>()}, {"seed", vm["seed"].as<std::uint64_t>()},
  };
  boost::json::object nth;
  if (vm.count("fail-nth")) {
    for (const auto& item : vm["fail-nth"].as<std::vector<std::string>>()) {
      const auto colon = item.find(':');
      if (colon == std::string::npos) throw std::invalid_argument("--fail-nth wants N:KIND, got '" + item + "'");
      nth[item.substr(0, colon)] = item.substr(colon + 1);
    }
  }
  o["nth"] = std::move(nth);
  boost::json::array paths;
  if (vm.count("fault-path"))
    for (const auto& p : vm["fault-path"].as<std::vector<std::string>>()) paths.emplace_back(p);
  o["paths"] = std::move(paths);
  return fault_config::from_json(o);
}

// `program` looked up on the PATH, or empty.
fs::path find_program(const std::string& program, std::string_view path) {
  while (!path.empty()) {
    const auto colon = path.find(':');
    const fs::path candidate = fs::path(std::string(path.substr(0, colon))) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  return {};
}

// Lets the fake hold as many connections and pipes as the hard limit allows.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// A new directory for the sandboxes: in /dev/shm when it is usable (creating and
// removing directories there costs microseconds; on a disk mounted with `discard` each
// removal costs milliseconds, which serialises a fan-out), else in $TMPDIR or /tmp.
fs::path default_root(const std::string& name) {
  const auto leaf = "sbx-fake-" + name + "-" + std::to_string(::getpid());
  if (::access("/dev/shm", W_OK | X_OK) == 0) return fs::path("/dev/shm") / leaf;
  const char* tmp = std::getenv("TMPDIR");
  return fs::path(tmp && *tmp ? tmp : "/tmp") / leaf;
}

}  // namespace

int run_fake_main(fake_definition definition, int argc, char** argv) {
  const std::string program = "sbx-fake-" + definition.name;
  po::options_description all = common_options();
  all.add(definition.options);
  po::variables_map vm;
  fault_config faults;
  try {
    po::store(po::parse_command_line(argc, argv, all), vm);
    po::notify(vm);
    faults = faults_from(vm);
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << "usage: " << program << " [options]\n" << all;
    return 0;
  }

  runner_options runner{.echo = vm["echo"].as<bool>()};
  const char* path = std::getenv("PATH");
  runner.path_variable = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  if (!runner.echo) {
    runner.bwrap = find_program("bwrap", runner.path_variable);
    if (runner.bwrap.empty()) {
      std::cerr << program << ": bubblewrap (bwrap) is needed to run commands in sandboxes; "
                << "install it or pass --echo\n";
      return 2;
    }
  }
  std::signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit();

  boost::asio::io_context context;
  try {
    fake_server server(context.get_executor(), {.host = vm["host"].as<std::string>(),
                                                .port = vm["port"].as<std::uint16_t>()});
    server.faults().configure(std::move(faults));
    const fs::path root = vm.count("root") ? fs::path(vm["root"].as<std::string>()) : default_root(definition.name);
    sandbox_registry registry(context.get_executor(), root, definition.layout, runner);
    add_control_routes(server, registry);
    fake_context fake{server, registry, vm, context.get_executor()};
    definition.install(fake);
    server.start();

    const auto stop = [&] {
      if (definition.stop) definition.stop();
      server.stop();
      context.stop();
    };
    boost::asio::signal_set signals(context, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) { stop(); });
    boost::asio::posix::stream_descriptor input(context);
    char sink[256];
    std::function<void(boost::system::error_code, std::size_t)> watch_input = [&](boost::system::error_code ec, std::size_t) {
      if (ec) return stop();
      input.async_read_some(boost::asio::buffer(sink), watch_input);
    };
    if (vm["exit-with-stdin"].as<bool>()) {
      input.assign(::dup(0));
      input.async_read_some(boost::asio::buffer(sink), watch_input);
    }
    std::cout << program << " listening on " << server.url() << std::endl;
    context.run();
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sbx_fake
