#include "drivers/tensorlake/exact_output.hpp"

namespace sbx::drivers::tensorlake {
namespace {

// $1: the stdin file or ""; then the command. fd 3/4 keep the real stdout/stderr, the
// exit status travels through fd 5 into $rc, fd 6 carries the command's stdout past
// the stderr encoder. Encoders are line-buffered (stdbuf) so records leave at once.
constexpr const char* wrapper_script =
    "if command -v stdbuf >/dev/null 2>&1; then enc() { LC_ALL=C stdbuf -oL sed -n 'l 1000'; }\n"
    "else enc() { LC_ALL=C sed -u -n 'l 1000'; }; fi\n"
    "if [ -n \"$1\" ]; then exec 0<\"$1\" || exit 126; rm -f -- \"$1\"; fi\n"
    "shift\n"
    "exec 3>&1 4>&2\n"
    "rc=$( { { { \"$@\" 3>&- 4>&- 5>&-; echo $? >&5; printf X; printf X >&2; } 2>&1 1>&6 6>&- "
    "| enc >&4 3>&- 4>&- 5>&-; } 6>&1 | enc >&3 3>&- 4>&- 5>&-; } 5>&1 )\n"
    "exit \"${rc:-125}\"\n";

int octal_digit(char c) { return c >= '0' && c <= '7' ? c - '0' : -1; }

}  // namespace

std::vector<std::string> wrapped_command(const std::vector<std::string>& argv, const std::string& stdin_path) {
  std::vector<std::string> out{"/bin/sh", "-c", wrapper_script, "sbx-exec", stdin_path};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

void line_decoder::emit_held() {
  if (final_pending_) {
    out_("X\n");
    final_pending_ = false;
  }
  if (held_x_) {
    out_("X");
    held_x_ = false;
  }
}

void line_decoder::feed(std::string_view segment) {
  if (segment.empty()) throw malformed_output("an empty output record");
  scratch_.clear();
  bool continued = false;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    const char c = segment[i];
    if (c != '\\') {
      if (i + 1 == segment.size()) {
        if (c != '$') throw malformed_output("an output record does not end with '$'");
        break;
      }
      scratch_.push_back(c);
      continue;
    }
    if (i + 1 == segment.size()) {
      continued = true;
      break;
    }
    const char e = segment[++i];
    switch (e) {
      case '\\': scratch_.push_back('\\'); break;
      case 'a': scratch_.push_back('\a'); break;
      case 'b': scratch_.push_back('\b'); break;
      case 'f': scratch_.push_back('\f'); break;
      case 'n': scratch_.push_back('\n'); break;
      case 'r': scratch_.push_back('\r'); break;
      case 't': scratch_.push_back('\t'); break;
      case 'v': scratch_.push_back('\v'); break;
      default: {
        if (i + 2 >= segment.size()) throw malformed_output("a cut octal escape in an output record");
        const int a = octal_digit(e), b = octal_digit(segment[i + 1]), d = octal_digit(segment[i + 2]);
        if (a < 0 || b < 0 || d < 0 || a > 3) throw malformed_output("a bad escape in an output record");
        scratch_.push_back(static_cast<char>(a * 64 + b * 8 + d));
        i += 2;
      }
    }
  }
  if (final_pending_) {  // a new record: the previous one was not the last
    out_("X\n");
    final_pending_ = false;
  }
  if (!scratch_.empty() && held_x_) {  // more bytes follow a held 'X' of this record
    out_("X");
    held_x_ = false;
  }
  if (!scratch_.empty()) {
    std::string_view bytes = scratch_;
    if (bytes.back() == 'X') {
      bytes.remove_suffix(1);
      held_x_ = true;
    }
    if (!bytes.empty()) out_(bytes);
  }
  if (continued) return;
  // The record ended: its newline is real unless this is the sentinel record.
  if (held_x_) {
    held_x_ = false;
    final_pending_ = true;
  } else {
    out_("\n");
  }
}

void line_decoder::flush_interrupted() { emit_held(); }

}  // namespace sbx::drivers::tensorlake
