// The command a CLI user types after `--`, and how it runs in a sandbox.
#pragma once

#include "sbx/sandbox.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace sbx::fanout {

/// `words` with every "{i}" replaced by `index`, so each sandbox of a fan-out can run
/// its own variant of one command.
std::vector<std::string> with_index(std::vector<std::string> words, std::size_t index);

/// The words joined by spaces, for messages.
std::string display_words(const std::vector<std::string>& words);

/// Runs `words` in `sandbox` and collects the output: a single word is a shell
/// command line (/bin/sh -c), several words are an argument vector run without a
/// shell. Errors and cancellation as Sandbox::exec.
awaitable<ExecResult> exec_words(Sandbox& sandbox, std::vector<std::string> words,
                                 ExecOptions options = {});

/// Like exec_words, but hands output chunks to `on_output` as they arrive
/// (Sandbox::exec_stream).
awaitable<ExecResult> exec_words_stream(Sandbox& sandbox, std::vector<std::string> words,
                                        output_handler on_output, ExecOptions options = {});

}  // namespace sbx::fanout
