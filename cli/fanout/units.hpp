// Number formatting shared by fan-out reports and benchmarks.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sbx::fanout {

/// `value` with exactly `decimals` digits after the point ("380.2").
std::string fixed(double value, int decimals);

/// `text` right-aligned in `width` columns (unchanged when it is wider).
std::string pad_left(std::string text, std::size_t width);

/// A duration in milliseconds, as a double.
double to_ms(std::chrono::nanoseconds duration);

/// A duration in seconds, as a double.
double to_seconds(std::chrono::nanoseconds duration);

/// A byte count in decimal megabytes with one decimal ("41.2 MB").
std::string megabytes(std::uint64_t bytes);

/// `count` events in `elapsed`, per second; 0 for an empty interval.
double per_second(std::size_t count, std::chrono::nanoseconds elapsed);

}  // namespace sbx::fanout
