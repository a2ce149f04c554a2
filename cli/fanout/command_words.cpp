#include "fanout/command_words.hpp"

#include "sbx/errors.hpp"

namespace sbx::fanout {

namespace {

void require_words(const std::vector<std::string>& words) {
  if (words.empty()) throw SandboxConfigurationError("no command given");
}

}  // namespace

std::vector<std::string> with_index(std::vector<std::string> words, std::size_t index) {
  static constexpr std::string_view placeholder = "{i}";
  const auto number = std::to_string(index);
  for (auto& word : words)
    for (auto at = word.find(placeholder); at != std::string::npos;
         at = word.find(placeholder, at + number.size()))
      word.replace(at, placeholder.size(), number);
  return words;
}

std::string display_words(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& word : words) line += (line.empty() ? "" : " ") + word;
  return line;
}

awaitable<ExecResult> exec_words(Sandbox& sandbox, std::vector<std::string> words,
                                 ExecOptions options) {
  require_words(words);
  if (words.size() == 1) return sandbox.exec(std::move(words.front()), std::move(options));
  return sandbox.exec(argv(std::move(words)), std::move(options));
}

awaitable<ExecResult> exec_words_stream(Sandbox& sandbox, std::vector<std::string> words,
                                        output_handler on_output, ExecOptions options) {
  require_words(words);
  if (words.size() == 1)
    return sandbox.exec_stream(std::move(words.front()), std::move(on_output), std::move(options));
  return sandbox.exec_stream(argv(std::move(words)), std::move(on_output), std::move(options));
}

}  // namespace sbx::fanout
