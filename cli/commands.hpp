// The subcommands of `sbx`. Each takes the words after its name and returns the exit
// status; usage_error and sbx errors propagate to main, which reports them.
#pragma once

#include <string>
#include <vector>

namespace sbx::cli {

/// The exit status when sbx itself failed (as `docker run` uses it).
inline constexpr int exit_sbx_failed = 125;

/// `sbx exec`: one command in a new sandbox, output streamed live.
int exec_command(const std::vector<std::string>& args);
/// `sbx run-code`: a program from a file or -c in a new sandbox.
int run_code_command(const std::vector<std::string>& args);
/// `sbx cp`: upload, run, download in one sandbox.
int cp_command(const std::vector<std::string>& args);
/// `sbx backends`: the capability matrix of the registered backends.
int backends_command(const std::vector<std::string>& args);
/// `sbx presets`: the registered presets.
int presets_command(const std::vector<std::string>& args);
/// `sbx gc`: sweeps leaked sandboxes.
int gc_command(const std::vector<std::string>& args);
/// `sbx fanout`: many sandboxes at once, with latency and throughput statistics.
int fanout_command(const std::vector<std::string>& args);
/// `sbx pricing`: the router's price table.
int pricing_command(const std::vector<std::string>& args);
/// `sbx cheapest`: backends ranked by expected cost for a request, with reasons.
int cheapest_command(const std::vector<std::string>& args);
/// `sbx cost`: the totals of a cost journal.
int cost_command(const std::vector<std::string>& args);

}  // namespace sbx::cli
