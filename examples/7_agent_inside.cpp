// 7. Agents: a scripted "agent CLI" runs inside the sandbox and answers with JSON,
//    parsed into a C++ struct; a host-side agent drives the same sandbox through a
//    capability-checked context. No network and no API keys.
#include <sbx/sbx.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/describe/class.hpp>

#include <iostream>

namespace asio = boost::asio;

struct Review {
  std::string verdict;
  int issues = 0;
};
BOOST_DESCRIBE_STRUCT(Review, (), (verdict, issues))

// A stand-in for an agent CLI: reads the prompt on stdin, "thinks", answers in JSON.
constexpr const char* fake_agent = R"agent(#!/bin/sh
prompt=$(cat)
echo "thinking about: $prompt" >&2
printf 'Here is my review:\n```json\n{"verdict": "looks good", "issues": %s}\n```\n' "$(printf %s "$prompt" | wc -w)"
)agent";

// Specs and options are built outside coroutines: GCC 12 cannot compile initializer
// lists of strings inside a coroutine frame.
sbx::CreateOptions sandbox_with_agent() { return {.files = {{"bin/review-agent", fake_agent}}}; }
sbx::InsideAgentSpec reviewer_spec() { return {.name = "reviewer", .command = {"./bin/review-agent"}}; }

sbx::OutsideAgentSpec host_agent_spec() {
  return {.name = "host",
          .capabilities = {sbx::agent_capability::files},
          .runner = [](sbx::AgentContext& ctx, std::string prompt) -> asio::awaitable<std::string> {
            co_await ctx.write_file("notes.txt", prompt);
            co_return "wrote " + std::to_string(prompt.size()) + " bytes";
          }};
}

asio::awaitable<void> agents() {
  auto client = co_await sbx::Client::connect("local");
  auto sandbox = co_await client.create(sandbox_with_agent());
  co_await sandbox.exec("chmod +x bin/review-agent");

  const auto reviewer = reviewer_spec();
  const auto run = co_await sbx::run_agent_stream(
      sandbox, reviewer, "please review this change",
      [](sbx::output_stream which, std::string_view chunk) {
        if (which == sbx::output_stream::std_err) std::cout << "[agent] " << chunk;
      });
  std::cout << "exit " << run.exit_code << "\n";

  const auto review = co_await sandbox.exec_as<Review>("echo 'please review this change' | ./bin/review-agent");
  std::cout << "verdict: " << review.verdict << ", issues: " << review.issues << "\n";

  const auto host_agent = host_agent_spec();
  std::cout << co_await sbx::run_agent(sandbox, host_agent, "remember this") << "\n";
  co_await sandbox.destroy();
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, agents(), [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
  io.run();
}
