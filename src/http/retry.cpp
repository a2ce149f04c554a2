#include "http/retry.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace sbx::http {
namespace {

using std::chrono::milliseconds;

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Decimal seconds ("3", "2.5"); nullopt when anything else is present.
std::optional<milliseconds> parse_seconds(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  double whole = 0, scale = 0;
  bool digits = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digits = true;
      if (scale == 0) {
        whole = whole * 10 + (c - '0');
      } else {
        whole += (c - '0') * scale;
        scale /= 10;
      }
    } else if (c == '.' && scale == 0) {
      scale = 0.1;
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  whole = std::min(whole, 1e9);  // far beyond any cap; keeps the cast defined
  return milliseconds(static_cast<std::int64_t>(std::llround(whole * 1000)));
}

std::optional<int> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<unsigned> parse_month(std::string_view s) {
  static constexpr std::array<std::string_view, 12> months = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (unsigned i = 0; i < months.size(); ++i)
    if (iequals(s, months[i])) return i + 1;
  return std::nullopt;
}

/// "hh:mm:ss" as seconds of the day.
std::optional<int> parse_clock(std::string_view s) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
  auto h = parse_int(s.substr(0, 2)), m = parse_int(s.substr(3, 2)), sec = parse_int(s.substr(6, 2));
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return *h * 3600 + *m * 60 + *sec;
}

/// IMF-fixdate, RFC 850 and asctime dates (RFC 9110 section 5.6.7), always GMT.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '-')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != ',' && s[i] != '-') ++i;
    if (i > start) tokens.push_back(s.substr(start, i - start));
  }
  std::optional<int> day, year, clock;
  std::optional<unsigned> month;
  if (tokens.size() == 5) {  // asctime: Sun Nov  6 08:49:37 1994
    month = parse_month(tokens[1]);
    day = parse_int(tokens[2]);
    clock = parse_clock(tokens[3]);
    year = parse_int(tokens[4]);
  } else if (tokens.size() == 6 && iequals(tokens[5], "GMT")) {  // IMF-fixdate, RFC 850
    day = parse_int(tokens[1]);
    month = parse_month(tokens[2]);
    year = parse_int(tokens[3]);
    clock = parse_clock(tokens[4]);
    if (year && tokens[3].size() == 2) *year += *year < 70 ? 2000 : 1900;
  }
  if (!day || !month || !year || !clock) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*year), std::chrono::month(*month),
                                        std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::seconds(*clock);
}

}  // namespace

bool is_retryable_status(unsigned status) noexcept {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              std::chrono::system_clock::time_point now) {
  if (auto secs = parse_seconds(value)) return secs;
  auto date = parse_http_date(trim(value));
  if (!date) return std::nullopt;
  if (*date <= now) return milliseconds(0);
  return std::chrono::duration_cast<milliseconds>(*date - now);
}

std::optional<milliseconds> retry_after_hint(const fields& headers,
                                             std::chrono::system_clock::time_point now) {
  std::optional<milliseconds> hint;
  auto consider = [&](std::optional<milliseconds> d) {
    if (d && (!hint || *d > *hint)) hint = d;
  };
  constexpr std::string_view reset_prefix = "x-ratelimit-reset-";
  for (const auto& f : headers) {
    if (iequals(f.name, "retry-after") || istarts_with(f.name, "retry-after-")) {
      consider(parse_retry_after(f.value, now));
    } else if (istarts_with(f.name, reset_prefix) && f.name.size() > reset_prefix.size()) {
      const std::string remaining =
          "x-ratelimit-remaining-" + std::string(f.name.substr(reset_prefix.size()));
      auto left = headers.get(remaining);
      if (left && trim(*left) == "0") consider(parse_seconds(f.value));
    }
  }
  return hint;
}

milliseconds backoff_delay(const retry_policy& policy, unsigned retry, double unit) {
  const double base = static_cast<double>(policy.base_delay.count());
  const double cap = static_cast<double>(policy.max_delay.count());
  const double ceiling = std::min(cap, base * std::ldexp(1.0, static_cast<int>(std::min(retry, 40u))));
  const double u = std::clamp(unit, 0.0, 1.0);
  return milliseconds(static_cast<std::int64_t>(ceiling * u));
}

milliseconds retry_delay(const retry_policy& policy, unsigned retry, const fields& headers,
                         std::chrono::system_clock::time_point now, double unit) {
  if (auto hint = retry_after_hint(headers, now)) return std::min(*hint, policy.max_retry_after);
  return backoff_delay(policy, retry, unit);
}

}  // namespace sbx::http
