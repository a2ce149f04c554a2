// libFuzzer target: the E2B wire parsers (drivers/e2b/wire.hpp) on arbitrary bytes: a
// process event, and the same bytes as JSON given to the sandbox, sandbox list, file
// entry and exit code readers; the bytes also serve as an envd version. Any exception
// other than std::invalid_argument, or a result that breaks a parser's promise, is a crash.
#include "drivers/e2b/wire.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace {

namespace e2b = sbx::drivers::e2b;
namespace json = boost::json;

void check_process_event(std::string_view input) {
  try {
    (void)e2b::parse_process_event(input);
  } catch (const std::invalid_argument&) {
  }
}

void check_sandboxes(const json::value& value) {
  try {
    for (const auto& record : e2b::parse_sandbox_list(value))
      if (record.sandbox_id.empty()) __builtin_trap();
  } catch (const std::invalid_argument&) {
  }
  try {
    if (e2b::parse_sandbox(value).sandbox_id.empty()) __builtin_trap();
  } catch (const std::invalid_argument&) {
  }
}

void check_object_readers(const json::object& object) {
  if (const auto entry = e2b::parse_entry(object); entry && entry->path.empty()) __builtin_trap();
  const int code = e2b::exit_code_of(object);
  const auto* given = object.if_contains("exitCode");
  // A negative exit code is a signal: reported as a shell would, 129..255.
  if (code < 0 || (given && given->is_int64() && given->get_int64() < 0 && (code < 129 || code > 255)))
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_process_event(input);
  (void)e2b::version_at_least(input, "0.5.7");
  (void)e2b::version_at_least("0.5.7", input);

  boost::system::error_code ec;
  const auto value = json::parse(input, ec);
  if (ec) return 0;
  check_sandboxes(value);
  if (value.is_object()) check_object_readers(value.get_object());
  return 0;
}
