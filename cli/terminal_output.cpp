#include "terminal_output.hpp"

#include <unistd.h>

#include <cerrno>

namespace sbx::cli {

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

output_handler to_terminal() {
  return [](output_stream stream, std::string_view chunk) {
    write_all(stream == output_stream::std_out ? STDOUT_FILENO : STDERR_FILENO, chunk);
  };
}

void print_output(const ExecResult& result) {
  write_all(STDOUT_FILENO, result.std_out);
  write_all(STDERR_FILENO, result.std_err);
}

}  // namespace sbx::cli
