#include "fanout/units.hpp"

#include <cstdio>

namespace sbx::fanout {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string pad_left(std::string text, std::size_t width) {
  if (text.size() < width) text.insert(0, width - text.size(), ' ');
  return text;
}

double to_ms(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

double to_seconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

std::string megabytes(std::uint64_t bytes) {
  return fixed(static_cast<double>(bytes) / 1e6, 1) + " MB";
}

double per_second(std::size_t count, std::chrono::nanoseconds elapsed) {
  const auto seconds = to_seconds(elapsed);
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

}  // namespace sbx::fanout
